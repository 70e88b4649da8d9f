using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>
/// Issue 14, item 1: a discarded load (failed for any reason) leaves the dataset exactly as it was, records,
/// attribute types and counts, and commits only its rejections and its applied-load marker.
/// </summary>
public abstract partial class RecordStoreCompliance
{
    private static readonly JobError s_failure = new(ErrorCodes.AllRecordsRejected, "discarded by the test");

    [Fact]
    public async Task Bug_14_a_replace_load_discarded_after_its_merge_deletes_nothing_and_keeps_its_rejections()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A"), ("b", "B"), ("c", "C")), [new("n", AttributeType.Integer, false, AttributeTypeChangeKind.Added)]);
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1)));
        var before = await SnapshotAsync("ds");
        var batch = Batches.Build(BuiltInRecordTypes.Entity, "ds",
            ["""{"id":"b","type":"p","name":"B2","metadata":{"color":"red"}}""", """{"id":"d","type":"p","name":"D"}""", """{"type":"p"}"""]);

        LoadTotals committed;
        await using (var sink = await OpenAsync("ds", "imp-3", 3, WriteMode.Replace))
        {
            await sink.WriteAsync(batch, default);
            Assert.Equal(new LoadTotals(3, 2, 1, 0, "entity"), await sink.MergeAsync(revocable: true, default));
            committed = await sink.CommitAsync(LoadDecision.Discard(s_failure), default);
        }

        Assert.Equal(new LoadTotals(3, 0, 1, 0, "entity"), committed);
        Assert.Equal(before, await SnapshotAsync("ds"));
        Assert.Equal(new AppliedLoad(committed, s_failure), await Records.FindAppliedLoadAsync("ds", "imp-3", default));
        Assert.Equal([4L], (await Records.ReadErrorsAsync("ds", "imp-3", 0, null, default).ToListAsync()).Select(e => e.Line));
    }

    [Fact]
    public async Task Bug_14_a_load_discarded_before_its_merge_writes_no_record_but_keeps_its_rejections()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "b", 2)));
        var before = await SnapshotAsync("ds");

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Replace, BuiltInRecordTypes.Interaction))
        {
            await sink.WriteAsync(Batches.Interactions("ds", ("u", "a", 1), ("v", "c", 3)), default);
            await sink.WriteAsync(Batches.Build(BuiltInRecordTypes.Interaction, "ds", ["""{"type":"view","source_id":"w"}"""]), default);
            Assert.Equal(new LoadTotals(3, 0, 1, 0, "interaction"), await sink.CommitAsync(LoadDecision.Discard(s_failure), default));
        }

        Assert.Equal(before, await SnapshotAsync("ds"));
        Assert.Equal(s_failure, (await Records.FindAppliedLoadAsync("ds", "imp-2", default))!.Failure);
        Assert.Single(await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync());
    }

    [Fact]
    public async Task Bug_14_an_upsert_of_stored_interactions_discarded_after_its_merge_keeps_the_stored_events()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "b", 2)));
        var before = await SnapshotAsync("ds");

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Upsert, BuiltInRecordTypes.Interaction))
        {
            await sink.WriteAsync(Batches.Interactions("ds", ("u", "a", 1), ("u", "a", 1), ("v", "c", 3)), default);
            Assert.Equal(3, (await sink.MergeAsync(revocable: true, default)).Written);
            await sink.CommitAsync(LoadDecision.Discard(s_failure), default);
        }

        Assert.Equal(before, await SnapshotAsync("ds"));

        // The dataset is usable as before: a later load sees only what was committed.
        await LoadAsync("ds", "imp-3", 3, WriteMode.Insert, Batches.Interactions("ds", ("v", "c", 3)));
        Assert.Equal(new RecordCounts(0, 3), await Records.CountAsync("ds", default));
    }

    [Fact]
    public async Task Bug_14_insert_mode_conflicts_found_by_the_merge_are_stored_when_the_load_is_discarded()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "old")));
        var before = await SnapshotAsync("ds");

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Insert))
        {
            await sink.WriteAsync(Batches.Entities("ds", ("a", "new"), ("b", "one"), ("b", "two")), default);
            Assert.Equal(new LoadTotals(3, 1, 2, 0, "entity"), await sink.MergeAsync(revocable: true, default));
            Assert.Equal(new LoadTotals(3, 0, 2, 0, "entity"), await sink.CommitAsync(LoadDecision.Discard(s_failure), default));
        }

        Assert.Equal(before, await SnapshotAsync("ds"));
        var errors = await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync();
        Assert.Equal([2L, 4L], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal(RecordErrorCodes.EntityAlreadyExists, e.Code));
    }

    [Fact]
    public async Task A_merge_that_is_not_revocable_and_wrote_nothing_can_be_discarded()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "old")));
        var before = await SnapshotAsync("ds");

        await using (var refused = await OpenAsync("ds", "imp-3", 3, WriteMode.Insert))
        {
            await refused.WriteAsync(Batches.Entities("ds", ("a", "again")), default);
            Assert.Equal(0, (await refused.MergeAsync(revocable: false, default)).Written);
            await refused.CommitAsync(LoadDecision.Discard(s_failure), default);
        }

        Assert.Equal(before, await SnapshotAsync("ds"));
        Assert.Single(await Records.ReadErrorsAsync("ds", "imp-3", 0, null, default).ToListAsync());
    }

    [Fact]
    public async Task A_load_cannot_be_applied_before_its_merge_or_committed_twice()
    {
        await using var sink = await OpenAsync("ds", "imp-1", 1, WriteMode.Upsert);
        await sink.WriteAsync(Batches.Entities("ds", ("a", "A")), default);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await sink.CommitAsync(LoadDecision.Apply([]), default));
        await sink.MergeAsync(revocable: true, default);
        await sink.CommitAsync(LoadDecision.Apply([]), default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await sink.CommitAsync(LoadDecision.Discard(s_failure), default));
    }

    [Fact]
    public async Task A_first_load_discarded_after_its_merge_leaves_the_dataset_empty_and_a_later_one_keeps_the_first_of_a_repeated_key()
    {
        // Issue 8: a first entity load builds a table of its own (PostgreSQL); discarded, none of it may remain.
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1)));
        var before = await SnapshotAsync("ds");
        var repeated = Batches.Entities("ds", ("b", "one"), ("a", "A"), ("b", "two"), ("b", "three"));
        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Insert))
        {
            await sink.WriteAsync(repeated, default);
            Assert.Equal(new LoadTotals(4, 2, 2, 0, "entity"), await sink.MergeAsync(revocable: true, default));
            await sink.CommitAsync(LoadDecision.Discard(s_failure), default);
        }

        Assert.Equal(before, await SnapshotAsync("ds"));

        var totals = await LoadAsync("ds", "imp-3", 3, WriteMode.Insert, Batches.Entities("ds", ("b", "one"), ("a", "A"), ("b", "two"), ("b", "three")));
        Assert.Equal((2L, 2L), (totals.Written, totals.Rejected));
        Assert.Equal("one", (await Records.FindEntityAsync("ds", "p", "b", default))!.Name);
        Assert.Equal([4L, 5L], (await Records.ReadErrorsAsync("ds", "imp-3", 0, null, default).ToListAsync()).Select(e => e.Line));

        // The key stays unique after a first load: an upsert replaces the stored record instead of adding one.
        await LoadAsync("ds", "imp-4", 4, WriteMode.Upsert, Batches.Entities("ds", ("b", "four"), ("c", "C")));
        var b = (await Records.FindEntityAsync("ds", "p", "b", default))!;
        Assert.Equal(("four", 4L), (b.Name, b.BatchSeq));
        Assert.Equal(new RecordCounts(3, 1), await Records.CountAsync("ds", default));
    }

    [Fact]
    public async Task A_first_entity_load_that_writes_nothing_leaves_the_dataset_ready_for_the_next()
    {
        await using (var sink = await OpenAsync("ds", "imp-1", 1, WriteMode.Upsert))
        {
            await sink.WriteAsync(Batches.Build(BuiltInRecordTypes.Entity, "ds", ["""{"type":"p"}"""]), default);
            Assert.Equal(new LoadTotals(1, 0, 1, 0, "entity"), await sink.MergeAsync(revocable: false, default));
            await sink.CommitAsync(LoadDecision.Apply([]), default);
        }

        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Entities("ds", ("a", "one"), ("a", "two")));
        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, Batches.Entities("ds", ("a", "three")));

        Assert.Equal("three", (await Records.FindEntityAsync("ds", "p", "a", default))!.Name);
        Assert.Equal(new RecordCounts(1, 0), await Records.CountAsync("ds", default));
    }

    /// <summary>Everything a dataset shows, as text: its records in export order, its counts and its attribute types.</summary>
    private async Task<string> SnapshotAsync(string dataset)
    {
        var records = await Records.ExportAsync(dataset, new ExportQuery(null, null, null, null), default).ToListAsync();
        var types = (await Records.GetAttributeTypesAsync(dataset, default)).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}:{t.Value}");
        return string.Join("\n", records) + "\n" + await Records.CountAsync(dataset, default) + "\n" + string.Join(",", types);
    }
}
