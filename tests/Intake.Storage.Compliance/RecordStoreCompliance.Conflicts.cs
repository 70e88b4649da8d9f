using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>
/// An insert-mode load whose keys are stored already: every conflict is counted, and the ones stored are those with
/// the lowest lines, up to the import's limit (1,000 here), whatever order the merge found them in.
/// </summary>
public abstract partial class RecordStoreCompliance
{
    [Fact]
    public async Task Insert_mode_counts_every_conflict_and_stores_those_of_the_lowest_lines_up_to_the_limit()
    {
        // Ids fall as lines rise, so the key order the merges work in is the reverse of the line order.
        var entities = Enumerable.Range(0, 3_000).Select(i => ($"k{9_999 - i:D4}", $"n{i}")).ToArray();
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", entities));

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Insert, Batches.Entities("ds", entities));

        Assert.Equal((0L, 3_000L), (totals.Written, totals.Rejected));
        var errors = await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync();
        Assert.Equal(Enumerable.Range(2, 1_000).Select(i => (long)i), errors.Select(e => e.Line));
        Assert.Equal("p/k9999", errors[0].ErrorId);
        Assert.All(errors, e => Assert.Equal(RecordErrorCodes.EntityAlreadyExists, e.Code));
    }

    [Fact]
    public async Task Insert_mode_keeps_the_lowest_lines_among_stored_events_and_repeats_in_the_file()
    {
        var events = Enumerable.Range(0, 1_500).Select(i => ("u", $"t{9_999 - i:D4}", 1_000L + i)).ToArray();
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", events));

        // The stored 1,500 again, then 1,500 new events each twice: 1,500 conflicts with stored keys and 1,500 repeats.
        var fresh = Enumerable.Range(0, 1_500).Select(i => ("w", $"t{i:D4}", 5_000L + i)).ToArray();
        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Insert, Batches.Interactions("ds", [.. events, .. fresh, .. fresh]));

        Assert.Equal((1_500L, 3_000L), (totals.Written, totals.Rejected));
        var errors = await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync();
        Assert.Equal(Enumerable.Range(2, 1_000).Select(i => (long)i), errors.Select(e => e.Line));
    }
}
