using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Microsoft.Extensions.Primitives;

namespace Intake.Server.Api;

/// <summary>Parses query-string values the same way on every endpoint, refusing bad ones with a precise <c>invalid_request</c>.</summary>
internal static class QueryValues
{
    /// <summary>Tags given as <c>tags=a,b</c> or repeated <c>tags=a&amp;tags=b</c>, within the limits of <see cref="ImportTags"/>.</summary>
    public static IReadOnlyList<string> Tags(StringValues values) =>
        ImportTags.Normalize(values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

    /// <summary>
    /// The write mode and whether the import is a plan: <c>mode=plan</c> plans an upsert, <c>plan=true</c> plans
    /// the mode given beside it. <c>mode=plan</c> with <c>plan=false</c> contradicts itself and is refused.
    /// </summary>
    public static (WriteMode Mode, bool Plan) ModeAndPlan(string? mode, string? plan)
    {
        var planned = plan switch
        {
            null => (bool?)null,
            _ when bool.TryParse(plan, out var flag) => flag,
            "1" => true,
            "0" => false,
            _ => throw new IntakeException(ErrorCodes.InvalidRequest, $"plan '{plan}' must be true or false."),
        };
        if (string.Equals(mode, "plan", StringComparison.OrdinalIgnoreCase))
        {
            return planned == false
                ? throw new IntakeException(ErrorCodes.InvalidRequest, "mode=plan asks for a plan, and plan=false for none; leave one out.")
                : (WriteMode.Upsert, true);
        }

        return (Mode(mode), planned ?? false);
    }

    public static WriteMode Mode(string? value) =>
        value is null ? WriteMode.Upsert
        : WriteModeNames.TryParse(value, out var mode) ? mode
        : throw new IntakeException(ErrorCodes.InvalidRequest, $"Mode '{value}' is not one of upsert, insert, replace (or plan).");

    /// <summary>The delimiter option; null (sniff it) when not given.</summary>
    public static char? Delimiter(string? value) => value switch
    {
        null or "" => null,
        "\\t" or "tab" or "%09" => '\t',
        { Length: 1 } single when single[0] < 128 && single[0] is not ('"' or '\r' or '\n') => single[0],
        _ => throw new IntakeException(ErrorCodes.InvalidRequest, $"Delimiter '{value}' must be one ASCII character other than a quote or line break (or 'tab')."),
    };

    /// <summary>The unit of integer event times; null (by magnitude) when absent.</summary>
    public static TimestampUnit? TimestampUnit(string? value) =>
        value is null ? null
        : TimestampUnitNames.TryParse(value, out var unit) ? unit
        : throw new IntakeException(ErrorCodes.InvalidRequest,
            $"timestampUnit '{value}' is not one of seconds, milliseconds, microseconds, nanoseconds (leave it out to read each integer time by its magnitude).");

    public static string? Format(string? value) =>
        value is null || Intake.Core.Parsing.FormatDetector.FromName(value) is not null
            ? value
            : throw new IntakeException(ErrorCodes.UnsupportedFormat, $"Format '{value}' is not one of csv, json, ndjson, parquet.");

    public static JobStatus? Status(string? value) =>
        value is null ? null
        : JobStatusNames.TryParse(value, out var status) ? status
        : throw new IntakeException(ErrorCodes.InvalidRequest, $"Status '{value}' is not one of {string.Join(", ", Enum.GetValues<JobStatus>().Select(s => s.ToWire()))}.");

    /// <summary><c>maxErrors</c>: a whole number, 0 or more.</summary>
    public static long? MaxErrors(string? value) =>
        value is null ? null
        : long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) ? MaxErrors(count)
        : throw new IntakeException(ErrorCodes.InvalidRequest, $"maxErrors '{value}' must be a whole number of records, 0 or more.");

    public static long? MaxErrors(long? value) =>
        value is null or >= 0 ? value : throw new IntakeException(ErrorCodes.InvalidRequest, $"maxErrors {value} must be 0 or more.");

    /// <summary><c>maxErrorRatio</c>: a share of the records read, from 0 to 1.</summary>
    public static double? MaxErrorRatio(string? value) =>
        value is null ? null
        : double.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var ratio) ? MaxErrorRatio(ratio)
        : throw new IntakeException(ErrorCodes.InvalidRequest, $"maxErrorRatio '{value}' must be a number from 0 to 1 (0.05 allows 5% of the records to be rejected).");

    public static double? MaxErrorRatio(double? value) =>
        value is null or (>= 0 and <= 1) ? value
        : throw new IntakeException(ErrorCodes.InvalidRequest, $"maxErrorRatio {value} must be from 0 to 1 (0.05 allows 5% of the records to be rejected).");

    public static int Limit(int? value) =>
        value is null ? 100
        : value is >= 1 and <= 1000 ? value.Value
        : throw new IntakeException(ErrorCodes.InvalidRequest, "limit must be between 1 and 1000.");
}
