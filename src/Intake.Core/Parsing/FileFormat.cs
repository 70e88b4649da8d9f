namespace Intake.Core.Parsing;

/// <summary>The formats an import file can have (each optionally gzip-compressed).</summary>
public enum FileFormat
{
    Csv,

    /// <summary>A JSON array of records.</summary>
    Json,

    /// <summary>Newline-delimited JSON: one record per line.</summary>
    Ndjson,

    /// <summary>Apache Parquet: typed columns read by name, like a CSV header (never gzip in practice, but accepted).</summary>
    Parquet,
}
