using Intake.Core.Jobs;

namespace Intake.Core.Tests.Jobs;

public sealed class JobTransitionsTests
{
    [Theory]
    [InlineData(JobStatus.Queued, JobStatus.Processing, true)]
    [InlineData(JobStatus.Processing, JobStatus.Completed, true)]
    [InlineData(JobStatus.Processing, JobStatus.CompletedWithErrors, true)]
    [InlineData(JobStatus.Processing, JobStatus.Queued, true)]
    [InlineData(JobStatus.Queued, JobStatus.Canceled, true)]
    [InlineData(JobStatus.Processing, JobStatus.Canceled, true)]
    [InlineData(JobStatus.Queued, JobStatus.Failed, true)]
    [InlineData(JobStatus.Queued, JobStatus.Completed, false)]
    [InlineData(JobStatus.Completed, JobStatus.Canceled, false)]
    [InlineData(JobStatus.Canceled, JobStatus.Queued, false)]
    [InlineData(JobStatus.Failed, JobStatus.Processing, false)]
    [InlineData(JobStatus.Processing, JobStatus.Planned, true)]
    [InlineData(JobStatus.Queued, JobStatus.Planned, false)]
    [InlineData(JobStatus.Planned, JobStatus.Queued, false)]
    public void Only_the_table_moves_are_legal(JobStatus from, JobStatus to, bool legal) =>
        Assert.Equal(legal, JobTransitions.IsAllowed(from, to));

    [Fact]
    public void Final_statuses_are_never_left()
    {
        foreach (var final in Enum.GetValues<JobStatus>().Where(s => s.IsFinal()))
        {
            Assert.All(Enum.GetValues<JobStatus>(), next => Assert.False(JobTransitions.IsAllowed(final, next)));
        }
    }

    [Fact]
    public void Statuses_and_kinds_have_stable_wire_names()
    {
        Assert.Equal(["queued", "processing", "completed", "completed_with_errors", "failed", "canceled", "planned"], Enum.GetValues<JobStatus>().Select(s => s.ToWire()));
        Assert.Equal(["file_upload", "dataset_load", "clear_data", "delete_batch", "delete_dataset"], Enum.GetValues<JobKind>().Select(k => k.ToWire()));
    }

    [Fact]
    public void Every_error_code_has_one_catalogue_entry()
    {
        var codes = typeof(ErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Equal(code, ErrorCodes.Describe(code).Code));
    }
}
