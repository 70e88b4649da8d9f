using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Tests.Storage;

public sealed class FirstRejectionsTests
{
    [Fact]
    public void Every_rejection_is_counted_and_those_of_the_lowest_lines_are_kept_in_line_order()
    {
        var lines = Enumerable.Range(1, 10_000).Select(i => (long)i).OrderBy(_ => Random.Shared.Next()).ToList();
        var first = new FirstRejections(100);

        foreach (var line in lines)
        {
            first.Add(new RecordRejection(line, $"line:{line}", RecordErrorCodes.EntityAlreadyExists, "exists", null));
        }

        Assert.Equal(10_000, first.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), first.InLineOrder().Select(r => r.Line));
    }

    [Fact]
    public void A_capacity_of_zero_counts_and_keeps_nothing()
    {
        var none = new FirstRejections(0);

        none.Add(new RecordRejection(1, "line:1", RecordErrorCodes.EntityAlreadyExists, "exists", null));

        Assert.Equal(1, none.Count);
        Assert.Empty(none.InLineOrder());
    }
}
