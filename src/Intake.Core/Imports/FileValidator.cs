using Intake.Core.Parsing;
using Intake.Core.Records;

namespace Intake.Core.Imports;

/// <summary>What validating a file found: the record type it was read as, and how many records passed or were rejected.</summary>
public sealed record ValidationSummary(string RecordType, long Records, long Valid, long Invalid);

/// <summary>
/// Validates a file without a server: the same source opening (gzip, format detection, size limit), the same
/// parsers, record types and validators an import's load runs, into a fresh attribute-type map as if the dataset
/// were empty, with the batches dropped instead of written. So each rejection has the code, message, field and
/// error id the server would give. What only a store can tell (an existing key in <c>insert</c> mode, a type an
/// attribute already has in the dataset) is not checked. Thread-safe; one call per file.
/// </summary>
public static class FileValidator
{
    private const int BatchRecords = 4096;

    /// <summary>
    /// Reads <paramref name="raw"/> to its end (and disposes it) as <paramref name="request"/> describes it, reporting every
    /// rejected record to <paramref name="rejected"/> in file order.
    /// </summary>
    /// <exception cref="Jobs.IntakeException">A file-level failure, with the code an import would fail with
    /// (<c>header_mismatch</c>, <c>malformed_file</c>, <c>empty_file</c>, <c>file_too_large</c>, <c>too_many_records</c>,
    /// <c>unknown_record_type</c>, <c>unsupported_format</c>).</exception>
    public static ValidationSummary Validate(Stream raw, NewImport request, RecordTypeCatalog catalog, IReadOnlyDictionary<string, RecordType>? customTypes,
        LimitsOptions limits, Action<RecordRejection> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(rejected);
        using var source = ImportSource.Open(raw, new ImportSourceOptions(
            request.Format, request.ContentType, request.ContentEncoding, request.FileName, limits.MaxFileBytes));
        using var parser = RecordParser.Open(source, request, catalog, customTypes, limits, cancellationToken);
        var batch = new RecordBatch(BatchRecords, 1 << 20);
        var writer = new RecordWriter(parser.RecordType, new AttributeTypeMap(maxAttributes: limits.MaxAttributes), request.DatasetId, batch,
            limits.EventTimes(request.TimestampUnit, TimeProvider.System.GetUtcNow()));
        long valid = 0;
        bool more;
        do
        {
            more = parser.Fill(writer, cancellationToken);
            valid += batch.Count;
            foreach (var rejection in batch.Rejections)
            {
                rejected(rejection);
            }

            batch.Reset();
        }
        while (more);

        return new ValidationSummary(parser.RecordType.Name, writer.RecordsSeen, valid, writer.RecordsSeen - valid);
    }
}
