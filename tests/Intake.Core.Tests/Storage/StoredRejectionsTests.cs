using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Tests.Storage;

public sealed class StoredRejectionsTests
{
    [Fact]
    public void The_first_rejections_are_kept_up_to_the_count()
    {
        var stored = new StoredRejections(3);

        stored.AddRange(Enumerable.Range(1, 10).Select(i => Rejection(i, 10)));

        Assert.Equal([1L, 2L, 3L], stored.Kept.Select(r => r.Line));
    }

    [Fact]
    public void Rejections_are_kept_until_their_text_reaches_the_bound_and_none_after_it()
    {
        var large = (int)(StoredRejections.MaxChars / 4);
        var stored = new StoredRejections(100);

        stored.AddRange([Rejection(1, large), Rejection(2, large), Rejection(3, large), Rejection(4, large), Rejection(5, 10)]);

        Assert.Equal([1L, 2L, 3L], stored.Kept.Select(r => r.Line));
    }

    [Fact]
    public void The_lowest_lines_are_kept_as_far_as_their_text_fits()
    {
        var large = (int)(StoredRejections.MaxChars / 4);
        var first = new FirstRejections(100);

        foreach (var line in new long[] { 9, 2, 7, 4, 1, 8 })
        {
            first.Add(Rejection(line, large));
        }

        Assert.Equal(6, first.Count);
        Assert.Equal([1L, 2L, 4L], first.InLineOrder().Select(r => r.Line));
    }

    private static RecordRejection Rejection(long line, int messageChars) =>
        new(line, $"line:{line}", RecordErrorCodes.InvalidValue, new string('m', messageChars), null);
}
