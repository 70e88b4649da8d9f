using System.Buffers;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Records;
using Intake.Core.Text;

namespace Intake.Core.Imports;

/// <summary>
/// Reads a Parquet file as records: its columns are matched by name like a CSV header (the same record types and
/// detection; columns a type does not read are ignored and never decoded), and each row, as a JSON object of its
/// typed values, goes through the record type's JSON mapping, so every validator of a JSON record applies. A row
/// whose text is not UTF-8 or that holds a NaN is rejected before any record type sees it. The row number
/// (from 1) is each record's <c>line</c>.
/// </summary>
internal sealed class ParquetRecordParser : RecordParser
{
    private readonly ParquetRowReader _reader;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    private ParquetRecordParser(ParquetRowReader reader, RecordType type, long maxRecords)
        : base(type, maxRecords)
    {
        _reader = reader;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JsonTextEncoder.Instance, SkipValidation = true });
    }

    public static ParquetRecordParser Open(ImportSource source, RecordType? named, IReadOnlyList<RecordType> known, LimitsOptions limits,
        CancellationToken cancellationToken)
    {
        var reader = ParquetRowReader.Open(source.OpenSeekable(cancellationToken), limits.MaxParquetRowGroupBytes, cancellationToken);
        try
        {
            var columns = new CsvHeader(reader.ColumnNames);
            IReadOnlyList<RecordType> candidates = named is null ? BuiltInRecordTypes.AutoCandidates : [named];
            var type = RecordTypeCatalog.DetectByFields(candidates, columns.Contains)
                ?? throw HeaderMismatch.ForParquet(reader.ColumnNames, candidates, named is not null, known);

            var read = type.ReadColumns;
            reader.Select(read is null ? _ => true : name => read.Contains(name, StringComparer.OrdinalIgnoreCase));
            return new ParquetRecordParser(reader, type, limits.MaxRecords);
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
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            if (!_reader.TryRead(_json, out var problem, cancellationToken))
            {
                return false;
            }

            _json.Flush();
            if (problem.IsNone)
            {
                RecordType.MapJson(_buffer.WrittenSpan, _reader.Row, writer);
            }
            else
            {
                var (code, message) = Describe(problem);
                writer.RejectUnread(_reader.Row, code, message, problem.Column);
            }

            CheckRecordLimit(writer);
        }

        return true;
    }

    public override void Dispose()
    {
        _json.Dispose();
        _reader.Dispose();
    }

    private static (string Code, string Message) Describe(ParquetRowProblem problem) => problem.Problem switch
    {
        ParquetRowProblem.Kind.InvalidUtf8 => (RecordErrorCodes.InvalidEncoding,
            $"Column [{problem.Column}] is not valid UTF-8; the record was not stored (write text columns as UTF-8 strings)."),
        ParquetRowProblem.Kind.NotFinite => (RecordErrorCodes.InvalidValue,
            $"Column [{problem.Column}] holds a number that is not finite (NaN or infinity); numbers must be finite."),
        _ => (RecordErrorCodes.MalformedRecord, $"Column [{problem.Column}] is annotated as JSON but its text is not valid JSON."),
    };
}
