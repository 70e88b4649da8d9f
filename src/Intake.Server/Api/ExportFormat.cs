using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Microsoft.Extensions.Primitives;

namespace Intake.Server.Api;

/// <summary>What an export is written as.</summary>
public enum ExportFormat
{
    Ndjson,
    Csv,
    Parquet,
}

internal static class ExportFormats
{
    public static string ToWire(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => "CSV",
        ExportFormat.Parquet => "Parquet",
        _ => "NDJSON",
    };

    /// <summary>The <c>format</c> parameter when given (<c>ndjson</c>, <c>csv</c> or <c>parquet</c>), else the <c>Accept</c> header's media type, else NDJSON.</summary>
    public static ExportFormat Choose(string? format, StringValues accept)
    {
        if (format is not null)
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "ndjson" or "jsonl" => ExportFormat.Ndjson,
                "csv" => ExportFormat.Csv,
                "parquet" => ExportFormat.Parquet,
                _ => throw new IntakeException(ErrorCodes.InvalidRequest, $"format '{format}' is not ndjson, csv or parquet."),
            };
        }

        bool Accepts(string mediaType) => accept.Any(a => a?.Contains(mediaType, StringComparison.OrdinalIgnoreCase) == true);
        return Accepts(FormatDetector.ParquetMediaType) ? ExportFormat.Parquet
            : Accepts("text/csv") ? ExportFormat.Csv
            : ExportFormat.Ndjson;
    }
}
