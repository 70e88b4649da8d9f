using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;

namespace Intake.Core.Imports;

/// <summary>Reads CSV rows through the record type's mapper bound to the file's header.</summary>
internal sealed class CsvRecordParser : RecordParser
{
    private readonly CsvRowReader _reader;
    private readonly ICsvRecordMapper _mapper;

    private CsvRecordParser(CsvRowReader reader, RecordType type, ICsvRecordMapper mapper, long maxRecords)
        : base(type, maxRecords)
    {
        _reader = reader;
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
            return new CsvRecordParser(reader, type, mapper, limits.MaxRecords);
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

                    _mapper.Map(row, writer);
                    break;
            }

            CheckRecordLimit(writer);
        }

        return true;
    }

    public override void Dispose() => _reader.Dispose();
}
