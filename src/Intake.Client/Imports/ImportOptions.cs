namespace Intake.Client;

/// <summary>How an import reads its file. Every property is optional; the server's defaults are in docs/api.md.</summary>
public sealed record ImportOptions
{
    /// <summary><c>auto</c> (the default: detected from the header or first record) or a record type name.</summary>
    public string? RecordType { get; init; }

    /// <summary><c>upsert</c> (default), <c>insert</c> or <c>replace</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>
    /// Plan instead of load: the server reads and checks the whole file in <see cref="Mode"/>, writes nothing, and
    /// reports what it would change (<see cref="Import.Planned"/>); <see cref="ImportsClient.ApplyAsync"/> applies it.
    /// </summary>
    public bool Plan { get; init; }

    /// <summary>Tags of the import; none means <c>default</c>.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary><c>csv</c>, <c>json</c>, <c>ndjson</c> or <c>parquet</c>; otherwise from the file name, then the first bytes.</summary>
    public string? Format { get; init; }

    /// <summary>The CSV delimiter: one ASCII character, or <c>tab</c>.</summary>
    public string? Delimiter { get; init; }

    /// <summary>How integer event times are read (<c>seconds</c>, <c>milliseconds</c>, <c>microseconds</c>, <c>nanoseconds</c>); each by its magnitude when unset.</summary>
    public string? TimestampUnit { get; init; }

    /// <summary>
    /// The error budget's count: with more rejected records than this the import fails with
    /// <c>error_budget_exceeded</c> and writes nothing. Unset, any number of rejections is allowed.
    /// </summary>
    public long? MaxErrors { get; init; }

    /// <summary>The error budget's share of the records read (0 to 1; 0.05 allows 5%), judged like <see cref="MaxErrors"/>.</summary>
    public double? MaxErrorRatio { get; init; }

    /// <summary>Makes a repeated request return the first import instead of starting another.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The file name sent with an upload from a stream (an upload from a path sends the path's name).</summary>
    public string? FileName { get; init; }

    /// <summary>Bytes of the file sent so far, reported as the upload goes.</summary>
    public IProgress<long>? UploadProgress { get; init; }

    /// <summary>
    /// A limit on sending the file (an upload only). When it passes, the call throws
    /// <see cref="TimeoutException"/>; the caller's token still cancels at any time.
    /// </summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Selects the records of an export (docs/api.md, Records).</summary>
public sealed record ExportOptions
{
    /// <summary><c>entity</c> or <c>interaction</c>; required for CSV.</summary>
    public string? Kind { get; init; }

    /// <summary>An entity or interaction type.</summary>
    public string? Type { get; init; }

    /// <summary>Records whose last writer has any of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Interactions at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>NDJSON by default; CSV in the data-batch layout or Parquet need <see cref="Kind"/>.</summary>
    public ExportFormat Format { get; init; }
}

/// <summary>The file format of an export.</summary>
public enum ExportFormat
{
    /// <summary>One JSON object per line, every kind of record.</summary>
    Ndjson,

    /// <summary>CSV in the data-batch column layout, loadable again; one kind of record.</summary>
    Csv,

    /// <summary>Apache Parquet with typed key columns (docs/api.md, Parquet export); one kind of record.</summary>
    Parquet,
}
