namespace Intake.Core.Imports;

/// <summary>
/// What a caller asks of an import before its file is read. <see cref="Origin"/> names the API that
/// accepted it (<c>native</c>, <c>data_batch</c>, <c>table_batch</c>, <c>bulk_write</c>).
/// </summary>
public sealed record NewImport
{
    public required string DatasetId { get; init; }

    /// <summary>A record type name, or <c>auto</c> to detect it from the file.</summary>
    public string RecordType { get; init; } = "auto";

    public WriteMode Mode { get; init; } = WriteMode.Upsert;

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Format { get; init; }

    /// <summary>The CSV delimiter; null to sniff it from the file's first lines (a comma when nothing else fits).</summary>
    public char? Delimiter { get; init; }

    /// <summary>The unit of integer event times, or null to read each by its magnitude. Stored with the import, so a redelivered load reads the same.</summary>
    public Records.TimestampUnit? TimestampUnit { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? FileName { get; init; }

    public string? SourceUrl { get; init; }

    public string Origin { get; init; } = "native";

    public string? IdempotencyKey { get; init; }

    /// <summary>Most rejected records allowed before the import fails and writes nothing; null for no limit.</summary>
    public long? MaxErrors { get; init; }

    /// <summary>Largest share of rejected records (0 to 1) allowed; null for no limit.</summary>
    public double? MaxErrorRatio { get; init; }

    /// <summary>
    /// A plan: the load reads and checks the whole file like a real one and reports what it would change, but
    /// writes nothing; <see cref="Mode"/> is the mode it plans for. It ends <c>planned</c>.
    /// </summary>
    public bool Plan { get; init; }

    /// <summary>For an import that applies a plan: the plan's id (its staged file is loaded again).</summary>
    public string? PlanId { get; init; }
}
