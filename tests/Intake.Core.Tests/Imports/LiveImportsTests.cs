using Intake.Core.Imports;
using Intake.Core.Jobs;

namespace Intake.Core.Tests.Imports;

public sealed class LiveImportsTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_tracked_load_is_served_while_its_read_is_fresh_and_processing_and_never_after_its_scope_ends()
    {
        var live = new LiveImports(_clock);
        var scope = live.Track(Import("a", JobStatus.Processing, read: 0));
        Assert.Equal(0, live.Find("a")?.Progress.RecordsRead);

        scope.Set(Import("a", JobStatus.Processing, read: 10), _clock.GetTimestamp());
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(10, live.Find("a")?.Progress.RecordsRead);

        // A store that stopped answering the load's reports: the last read is too old to answer for it.
        _clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Null(live.Find("a"));
        scope.Set(Import("a", JobStatus.Processing, read: 20), _clock.GetTimestamp());
        Assert.Equal(20, live.Find("a")?.Progress.RecordsRead);

        // A read that is no longer processing is not served; nor is anything once the load ended, even a late report.
        scope.Set(Import("a", JobStatus.Completed, read: 20), _clock.GetTimestamp());
        Assert.Null(live.Find("a"));
        scope.Set(Import("a", JobStatus.Processing, read: 30), _clock.GetTimestamp());
        scope.Dispose();
        scope.Set(Import("a", JobStatus.Processing, read: 40), _clock.GetTimestamp());
        Assert.Null(live.Find("a"));
    }

    [Fact]
    public void A_change_made_on_this_node_replaces_a_tracked_entry_and_an_untracked_import_stays_untracked()
    {
        var live = new LiveImports(_clock);
        using var scope = live.Track(Import("a", JobStatus.Processing, read: 5));

        live.Refresh(Import("a", JobStatus.Processing, read: 5) with { Archived = true }, _clock.GetTimestamp());
        live.Refresh(Import("b", JobStatus.Processing, read: 1), _clock.GetTimestamp());

        Assert.True(live.Find("a")?.Archived);
        Assert.Null(live.Find("b"));
        live.Refresh(Import("a", JobStatus.Canceled, read: 5), _clock.GetTimestamp());
        Assert.Null(live.Find("a"));
    }

    [Fact]
    public void The_latest_read_wins_so_a_report_read_before_an_archive_on_this_node_does_not_undo_it()
    {
        var live = new LiveImports(_clock);
        using var scope = live.Track(Import("a", JobStatus.Processing, read: 1));
        var reportReadAt = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        live.Refresh(Import("a", JobStatus.Processing, read: 1) with { Archived = true }, _clock.GetTimestamp());
        scope.Set(Import("a", JobStatus.Processing, read: 2), reportReadAt);
        Assert.True(live.Find("a")?.Archived);

        live.Refresh(Import("a", JobStatus.Processing, read: 1), reportReadAt);
        Assert.True(live.Find("a")?.Archived);
    }

    [Fact]
    public void A_scope_that_ended_does_not_remove_the_entry_of_a_later_load_of_the_same_import()
    {
        var live = new LiveImports(_clock);
        var first = live.Track(Import("a", JobStatus.Processing, read: 1));
        using var second = live.Track(Import("a", JobStatus.Processing, read: 2));

        first.Dispose();

        Assert.Equal(2, live.Find("a")?.Progress.RecordsRead);
    }

    private static ImportInfo Import(string id, JobStatus status, long read) => new()
    {
        Id = id, Seq = 1, Request = new NewImport { DatasetId = "d" }, Status = status, CreatedAt = DateTimeOffset.UnixEpoch,
        Progress = new ImportProgress(read * 10, null, read, 0, 0),
    };

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
