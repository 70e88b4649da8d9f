using System.Globalization;
using Intake.Core.Jobs;

namespace Intake.Core.Imports;

/// <summary>
/// How many rejected records an import may have before it fails with <c>error_budget_exceeded</c> and writes
/// nothing: at most <see cref="MaxErrors"/> of them, and at most <see cref="MaxErrorRatio"/> of the records
/// read. Either may be absent; with neither, any number of rejections is allowed (a file whose every record
/// is rejected still fails with <c>all_records_rejected</c>).
/// </summary>
/// <remarks>
/// The count is judged while reading, after each batch, so a file far over budget stops early: its import
/// reports the rejections seen until then, which may exceed the budget by up to one batch. The ratio is
/// judged once the whole file is read and merged, because until the last record the records still to come
/// could bring it back under the limit. Both include the keys the store refuses in insert mode.
/// </remarks>
public readonly record struct ErrorBudget(long? MaxErrors, double? MaxErrorRatio)
{
    public static readonly ErrorBudget None = new(null, null);

    public bool IsSet => MaxErrors is not null || MaxErrorRatio is not null;

    /// <summary>The count alone, judged while reading: the rejections so far already exceed it.</summary>
    public JobError? CheckWhileReading(long rejected, long read) =>
        MaxErrors is { } max && rejected > max
            ? Exceeded($"More than {max.ToString("N0", CultureInfo.InvariantCulture)} records were rejected ({rejected.ToString("N0", CultureInfo.InvariantCulture)} of the first {read.ToString("N0", CultureInfo.InvariantCulture)}); the import stopped reading and wrote nothing. See its errors.")
            : null;

    /// <summary>The count and the ratio over the whole file.</summary>
    public JobError? Check(long rejected, long read)
    {
        if (CheckWhileReading(rejected, read) is { } count)
        {
            return count;
        }

        if (MaxErrorRatio is { } ratio && read > 0 && rejected > ratio * read)
        {
            return Exceeded($"{rejected.ToString("N0", CultureInfo.InvariantCulture)} of {read.ToString("N0", CultureInfo.InvariantCulture)} records were rejected " +
                $"({((double)rejected / read).ToString("0.###%", CultureInfo.InvariantCulture)}), more than the allowed {ratio.ToString("0.###%", CultureInfo.InvariantCulture)}; " +
                "the import wrote nothing. See its errors.");
        }

        return null;
    }

    private static JobError Exceeded(string message) => new(ErrorCodes.ErrorBudgetExceeded, message);
}
