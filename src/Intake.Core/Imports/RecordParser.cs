using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Imports;

/// <summary>
/// Reads one staged file as records of one type, a batch at a time. Opening it reads the CSV header (the
/// Parquet schema, or the first JSON record) to settle the record type, so a header that fits nothing fails before any write.
/// Used by one thread.
/// </summary>
internal abstract class RecordParser : IDisposable
{
    private readonly long _maxRecords;

    protected RecordParser(RecordType recordType, long maxRecords)
    {
        RecordType = recordType;
        _maxRecords = maxRecords;
    }

    public RecordType RecordType { get; }

    /// <summary>What opening the file noticed without refusing it (a sniffed delimiter, ignored columns).</summary>
    public List<ImportWarning> Warnings { get; } = [];

    public static RecordParser Open(ImportSource source, NewImport request, RecordTypeCatalog catalog,
        IReadOnlyDictionary<string, RecordType>? customTypes, LimitsOptions limits, CancellationToken cancellationToken)
    {
        var named = string.Equals(request.RecordType, RecordTypeCatalog.Auto, StringComparison.OrdinalIgnoreCase)
            ? null
            : catalog.Find(request.RecordType, customTypes)
              ?? throw new IntakeException(ErrorCodes.UnknownRecordType, $"Record type '{request.RecordType}' is not known.");

        // Every type the import could have named, for the hints of a header that fits none (HeaderMismatch).
        var known = catalog.BuiltIn.Concat(customTypes?.Values ?? []).ToList();
        return source.Format switch
        {
            FileFormat.Csv => CsvRecordParser.Open(source, request.Delimiter, named, known, limits),
            FileFormat.Parquet => ParquetRecordParser.Open(source, named, known, limits, cancellationToken),
            _ => JsonRecordParser.Open(source, named, known, limits),
        };
    }

    /// <summary>
    /// Fills the writer's batch until it is full (returns true: more may follow) or the file ends (false).
    /// Throws <see cref="IntakeException"/> for a file-level failure and on cancellation.
    /// </summary>
    public abstract bool Fill(RecordWriter writer, CancellationToken cancellationToken);

    public abstract void Dispose();

    protected void CheckRecordLimit(RecordWriter writer)
    {
        if (writer.RecordsSeen > _maxRecords)
        {
            throw new IntakeException(ErrorCodes.TooManyRecords, $"The file has more than the limit of {_maxRecords:N0} records.");
        }
    }
}
