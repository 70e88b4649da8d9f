using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;

namespace Intake.Core.Tests.Imports;

/// <summary>The apply-or-discard decision on what a merge would commit, and the outcome of a committed load.</summary>
public sealed class LoadOutcomeTests
{
    private static LoadTotals Merged(long read, long written, long rejected) => new(read, written, rejected, 0, "entity");

    [Theory]
    [InlineData(null, null, 100, 90, 10, null)]
    [InlineData(10L, null, 100, 90, 10, null)]
    [InlineData(9L, null, 100, 90, 10, ErrorCodes.ErrorBudgetExceeded)]
    [InlineData(0L, null, 100, 100, 0, null)]
    [InlineData(0L, null, 100, 99, 1, ErrorCodes.ErrorBudgetExceeded)]
    [InlineData(null, 0.1, 100, 90, 10, null)]
    [InlineData(null, 0.1, 100, 89, 11, ErrorCodes.ErrorBudgetExceeded)]
    [InlineData(null, 0.0, 100, 99, 1, ErrorCodes.ErrorBudgetExceeded)]
    [InlineData(null, 1.0, 5, 0, 5, ErrorCodes.AllRecordsRejected)]
    [InlineData(null, null, 5, 0, 5, ErrorCodes.AllRecordsRejected)]
    [InlineData(3L, null, 5, 0, 5, ErrorCodes.ErrorBudgetExceeded)]
    [InlineData(null, null, 0, 0, 0, null)]
    public void A_merge_is_discarded_over_the_budget_or_when_every_record_was_rejected(long? maxErrors, double? maxRatio, long read, long written,
        long rejected, string? expected)
    {
        Assert.Equal(expected, LoadOutcome.Judge(Merged(read, written, rejected), new ErrorBudget(maxErrors, maxRatio))?.Code);
    }

    [Fact]
    public void While_reading_only_the_count_is_judged()
    {
        var budget = new ErrorBudget(2, 0.01);

        Assert.Null(budget.CheckWhileReading(2, 10));
        Assert.Equal(ErrorCodes.ErrorBudgetExceeded, budget.CheckWhileReading(3, 10)!.Code);
        Assert.Null(new ErrorBudget(null, 0.01).CheckWhileReading(1_000, 1_000));
    }

    [Fact]
    public void The_ratio_message_says_how_many_of_how_many_were_rejected()
    {
        var error = new ErrorBudget(null, 0.05).Check(12, 100)!;

        Assert.Contains("12 of 100 records were rejected (12%), more than the allowed 5%", error.Message);
    }

    [Fact]
    public void A_committed_load_is_completed_with_errors_or_failed_with_its_stored_reason()
    {
        var budget = new JobError(ErrorCodes.ErrorBudgetExceeded, "over");

        Assert.Equal(JobStatus.Completed, LoadOutcome.From(Merged(3, 3, 0), null).Status);
        Assert.Equal(JobStatus.CompletedWithErrors, LoadOutcome.From(Merged(3, 2, 1), null).Status);
        Assert.Equal((JobStatus.Failed, budget), (LoadOutcome.From(Merged(3, 0, 1), budget).Status, LoadOutcome.From(Merged(3, 0, 1), budget).Error));

        // A marker from before failed loads kept their reason: nothing written, only rejections.
        Assert.Equal(ErrorCodes.AllRecordsRejected, LoadOutcome.From(Merged(3, 0, 3), null).Error!.Code);
    }
}
