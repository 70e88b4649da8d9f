using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;

namespace Intake.Core.Imports;

/// <summary>
/// Reads CSV rows through the record type's mapper bound to the file's header. Before any mapper sees a row,
/// a row whose field count differs from the header's (fewer or more) is rejected as <c>MalformedRecord</c>,
/// and one with bytes that are not UTF-8 as <c>InvalidEncoding</c> naming the column, so no record type
/// can read a guess or store replacement characters.
/// </summary>
internal sealed class CsvRecordParser : RecordParser
{
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

    public static CsvRecordParser Open(ImportSource source, char delimiter, RecordType? named, LimitsOptions limits)
    {
        var reader = new CsvRowReader(source.Content, checked((byte)delimiter), maxRecordBytes: limits.MaxRecordBytes, leaveOpen: true);
        try
        {
            var header = reader.ReadHeader();
            var type = named ?? Detect(header.Contains, "header");
            var mapper = type.BindCsv(header, out var missing)
                ?? throw new IntakeException(ErrorCodes.HeaderMismatch,
                    $"The header lacks columns that record type {type.Name} requires: {string.Join(", ", missing)}.");
            return new CsvRecordParser(reader, header, type, mapper, limits.MaxRecords);
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
