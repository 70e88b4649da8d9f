using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Text;

namespace Intake.Core.Imports;

/// <summary>
/// Reads CSV rows through the record type's mapper bound to the file's header. Before any mapper sees a row,
/// a row whose field count differs from the header's (fewer or more) is rejected as <c>MalformedRecord</c>,
/// and one with bytes that are not UTF-8 as <c>InvalidEncoding</c> naming the column, so no record type
/// can read a guess or store replacement characters.
/// </summary>
internal sealed class CsvRecordParser : RecordParser
{
    // The start of the file looked at to sniff the delimiter and explain a header that fits nothing.
    private const int HeadBytes = 64 * 1024;

    private readonly CsvRowReader _reader;
    private readonly CsvHeader _header;
    private readonly ICsvRecordMapper _mapper;

    private CsvRecordParser(CsvRowReader reader, CsvHeader header, RecordType type, ICsvRecordMapper mapper, long maxRecords)
        : base(type, maxRecords)
    {
        _reader = reader;
        _header = header;
        _mapper = mapper;
    }

    /// <summary>
    /// Reads the header with <paramref name="delimiter"/>, or, when it is null, with the delimiter sniffed from
    /// the first lines (a comma when nothing else fits); a delimiter other than the comma is reported as a warning.
    /// </summary>
    public static CsvRecordParser Open(ImportSource source, char? delimiter, RecordType? named, IReadOnlyList<RecordType> known, LimitsOptions limits)
    {
        var content = new PeekableStream(source.Content);
        var head = content.Peek(HeadBytes).ToArray();
        var used = delimiter ?? CsvDelimiters.Sniff(head, wholeFile: head.Length < HeadBytes) ?? ',';
        var reader = new CsvRowReader(content, checked((byte)used), maxRecordBytes: limits.MaxRecordBytes, leaveOpen: true);
        try
        {
            var header = reader.ReadHeader();
            var candidates = named is null ? BuiltInRecordTypes.AutoCandidates : [named];
            var type = named ?? RecordTypeCatalog.Detect(candidates, header, out _);
            var mapper = type?.BindCsv(header, out _)
                ?? throw HeaderMismatch.ForCsv(header, used, candidates, named is not null, head, known);
            if (header.Repeats().FirstOrDefault(column => type.ReadsColumn(column.Name)) is { Name: not null } repeated)
            {
                throw new IntakeException(ErrorCodes.MalformedFile,
                    $"The header names the column {repeated.Name} twice (columns {repeated.First + 1} and {repeated.Repeat + 1}), and record type " +
                    $"{type.Name} reads it: which of the two to read would be a guess. Rename or remove one.");
            }

            var parser = new CsvRecordParser(reader, header, type, mapper, limits.MaxRecords);
            if (delimiter is null && used != ',')
            {
                parser.Warnings.Add(new ImportWarning(ImportWarning.DelimiterDetected,
                    $"No delimiter was given and the first lines are separated by '{CsvDelimiters.Name(used)}', so it was used; " +
                    $"give delimiter= to choose another."));
            }

            if (type.IgnoredColumns(header) is { Count: > 0 } ignored)
            {
                parser.Warnings.Add(new ImportWarning(ImportWarning.ColumnsIgnored,
                    $"Record type {type.Name} does not use the column{(ignored.Count == 1 ? "" : "s")} {NameList.Of(ignored)}, so {(ignored.Count == 1 ? "it was" : "they were")} ignored."));
            }

            return parser;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public override bool Fill(RecordWriter writer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var batch = writer.Batch;
        while (!batch.IsFull)
        {
            switch (_reader.TryReadRow(out var row))
            {
                case CsvReadResult.End:
                    return false;
                case CsvReadResult.Malformed:
                    writer.RejectUnreadable(_reader.Line, _reader.LastError ?? "The row is not valid CSV.");
                    break;
                default:
                    if (row.IsBlank)
                    {
                        continue;
                    }

                    if (row.Count != _header.Columns.Count)
                    {
                        writer.RejectUnread(row.Line, RecordErrorCodes.MalformedRecord,
                            $"The row at line {row.Line} has {row.Count} fields where the header has {_header.Columns.Count}; " +
                            "every row needs one field per column (quote a field that holds the delimiter).", null);
                    }
                    else if (row.InvalidUtf8Field >= 0)
                    {
                        var column = _header.Columns[row.InvalidUtf8Field];
                        writer.RejectUnread(row.Line, RecordErrorCodes.InvalidEncoding,
                            $"Column [{column}] is not valid UTF-8; the record was not stored (save the file as UTF-8).", column);
                    }
                    else
                    {
                        _mapper.Map(row, writer);
                    }

                    break;
            }

            CheckRecordLimit(writer);
        }

        return true;
    }

    public override void Dispose() => _reader.Dispose();
}
