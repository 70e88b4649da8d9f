using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>
/// Loads of several batches, as a file larger than one batch arrives. A store may write batches that come in key
/// order (interactions in time order) before the load is decided; the outcome must not depend on how the file was cut.
/// </summary>
public abstract partial class RecordStoreCompliance
{
    /// <summary>
    /// A file cut in four: two batches in time order (the second repeating a key within itself, one record updating a
    /// stored event), then one that goes back in time (repeating a key of the first batch, and a key older than all),
    /// then one that repeats a key of the third.
    /// </summary>
    private static RecordBatch[] CutFile() =>
    [
        Events(2, ("u", "a", 1, 1), ("u", "b", 2, 1), ("u", "c", 3, 1)),
        Events(5, ("u", "d", 4, 1), ("u", "e", 5, 1), ("u", "e", 5, 2)),
        Events(8, ("u", "a", 1, 3), ("u", "f", 6, 1), ("u", "g", 0, 1)),
        Events(11, ("u", "h", 7, 1), ("u", "f", 6, 2)),
    ];

    private static RecordBatch Events(long firstLine, params (string Source, string Target, long Timestamp, int N)[] records) =>
        EventsIn("ds", firstLine, records);

    private static RecordBatch EventsIn(string dataset, long firstLine, params (string Source, string Target, long Timestamp, int N)[] records) =>
        Batches.Build(BuiltInRecordTypes.Interaction, dataset,
            records.Select(r => $$$"""{"type":"view","source_id":"{{{r.Source}}}","target_id":"{{{r.Target}}}","timestamp":{{{r.Timestamp}}},"metadata":{"n":{{{r.N}}}}}"""),
            firstLine);

    /// <summary>The same records as one batch, into dataset <paramref name="dataset"/>.</summary>
    private static RecordBatch Uncut(string dataset) => Batches.Build(BuiltInRecordTypes.Interaction, dataset,
        CutFile().SelectMany(batch => batch.Slots.ToArray().Select(slot =>
            $$$"""{"type":"view","source_id":"{{{batch.GetString(slot.Id)}}}","target_id":"{{{batch.GetString(slot.TargetId)}}}","timestamp":{{{slot.Timestamp}}},"metadata":{{{batch.GetString(slot.Attributes)}}}}""")));

    private async Task<List<(string? TargetId, long Timestamp, string? Attributes, long BatchSeq)>> EventsAsync(string dataset) =>
        await Records.ExportAsync(dataset, new ExportQuery(RecordKind.Interaction, null, null, null), default)
            .Select(r => (r.TargetId, Timestamp: r.Timestamp ?? -1, Attributes: r.AttributesJson is null ? null : System.Text.Json.Nodes.JsonNode.Parse(r.AttributesJson)!.ToJsonString(), r.BatchSeq))
            .OrderBy(e => e.Timestamp).ThenBy(e => e.TargetId, StringComparer.Ordinal).ToListAsync();

    [Fact]
    public async Task An_upsert_cut_into_ordered_and_unordered_batches_keeps_the_last_of_each_key_and_counts_every_repeat()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Events(2, ("u", "c", 3, 0)));

        var (totals, repeated) = await LoadSeveralAsync("ds", "imp-2", WriteMode.Upsert, CutFile());

        Assert.Equal(new LoadTotals(11, 11, 0, 0, "interaction"), totals);
        Assert.Equal(3, repeated);
        Assert.Equal(new RecordCounts(0, 8), await Records.CountAsync("ds", default));
        Assert.Equal(
            [("g", 0L, """{"n":1}""", 2L), ("a", 1, """{"n":3}""", 2), ("b", 2, """{"n":1}""", 2), ("c", 3, """{"n":1}""", 2),
             ("d", 4, """{"n":1}""", 2), ("e", 5, """{"n":2}""", 2), ("f", 6, """{"n":2}""", 2), ("h", 7, """{"n":1}""", 2)],
            await EventsAsync("ds"));

        // The same records as one batch give the same dataset.
        await LoadAsync("one", "imp-3", 1, WriteMode.Upsert, EventsIn("one", 2, ("u", "c", 3, 0)));
        Assert.Equal((totals, repeated), await LoadSeveralAsync("one", "imp-4", WriteMode.Upsert, [Uncut("one")]));
        Assert.Equal(await EventsAsync("ds"), await EventsAsync("one"));
    }

    [Fact]
    public async Task An_insert_cut_into_ordered_and_unordered_batches_keeps_the_first_of_each_key_and_rejects_the_rest_in_line_order()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Events(2, ("u", "c", 3, 0)));

        var (totals, repeated) = await LoadSeveralAsync("ds", "imp-2", WriteMode.Insert, CutFile());

        Assert.Equal(new LoadTotals(11, 7, 4, 0, "interaction"), totals);
        Assert.Equal(3, repeated);
        Assert.Equal(
            [("g", 0L, """{"n":1}""", 2L), ("a", 1, """{"n":1}""", 2), ("b", 2, """{"n":1}""", 2), ("c", 3, """{"n":0}""", 1),
             ("d", 4, """{"n":1}""", 2), ("e", 5, """{"n":1}""", 2), ("f", 6, """{"n":1}""", 2), ("h", 7, """{"n":1}""", 2)],
            await EventsAsync("ds"));
        var errors = await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync();
        Assert.Equal([4L, 7L, 8L, 12L], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Contains("could not be created because it already exists", e.Message));
    }

    [Fact]
    public async Task A_load_discarded_after_ordered_batches_that_updated_stored_events_leaves_the_dataset_as_it_was()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Events(2, ("u", "c", 3, 0), ("u", "x", 9, 0)));
        var before = await SnapshotAsync("ds");
        var failure = new JobError(ErrorCodes.MalformedFile, "discarded by the test");

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Replace, BuiltInRecordTypes.Interaction))
        {
            await sink.WriteAsync(CutFile()[0], default);
            await sink.WriteAsync(CutFile()[1], default);
            await sink.WriteAsync(Batches.Build(BuiltInRecordTypes.Interaction, "ds", ["""{"type":"view","source_id":"w"}"""], 8), default);
            Assert.Equal(new LoadTotals(7, 0, 1, 0, "interaction"), await sink.CommitAsync(LoadDecision.Discard(failure), default));
        }

        Assert.Equal(before, await SnapshotAsync("ds"));
        Assert.Equal(failure, (await Records.FindAppliedLoadAsync("ds", "imp-2", default))!.Failure);
        Assert.Equal([8L], (await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync()).Select(e => e.Line));
    }

    [Fact]
    public async Task A_load_of_ordered_batches_disposed_before_its_commit_leaves_the_dataset_as_it_was()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Events(2, ("u", "c", 3, 0)));
        var before = await SnapshotAsync("ds");

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Upsert, BuiltInRecordTypes.Interaction))
        {
            await sink.WriteAsync(CutFile()[0], default);
            await sink.WriteAsync(CutFile()[1], default);
            await sink.MergeAsync(revocable: false, default);
        }

        Assert.Equal(before, await SnapshotAsync("ds"));
        Assert.Null(await Records.FindAppliedLoadAsync("ds", "imp-2", default));
    }

    /// <summary>Entities in three batches: "b" three times (within and across batches), "a" twice.</summary>
    private static RecordBatch[] CutCatalog(string dataset) =>
    [
        Batches.Build(BuiltInRecordTypes.Entity, dataset, [Product("b", "one"), Product("a", "A1"), Product("b", "two")], 2),
        Batches.Build(BuiltInRecordTypes.Entity, dataset, [Product("c", "C"), """{"type":"p"}""", Product("a", "A2")], 5),
        Batches.Build(BuiltInRecordTypes.Entity, dataset, [Product("b", "three"), Product("d", "D")], 8),
    ];

    private static string Product(string id, string name) => $$"""{"id":"{{id}}","type":"p","name":"{{name}}"}""";

    private async Task<List<(string Id, string? Name, long BatchSeq)>> CatalogAsync(string dataset) =>
        await Records.ExportAsync(dataset, new ExportQuery(RecordKind.Entity, null, null, null), default)
            .Select(r => (r.Id, r.Name, r.BatchSeq)).ToListAsync();

    [Fact]
    public async Task A_first_entity_load_of_several_batches_keeps_the_last_of_each_key_as_a_load_into_a_catalog_does()
    {
        // "ds" has no entity (a store may load it specially); "other" has one, so its load merges beside it.
        await LoadAsync("other", "imp-0", 1, WriteMode.Upsert, Batches.Entities("other", ("z", "Z")));

        var first = await LoadSeveralAsync("ds", "imp-1", WriteMode.Upsert, CutCatalog("ds"));
        var merged = await LoadSeveralAsync("other", "imp-2", WriteMode.Upsert, CutCatalog("other"));

        Assert.Equal((new LoadTotals(8, 7, 1, 0, "entity"), 3L), first);
        Assert.Equal(first, merged);
        Assert.Equal([("a", "A2", 2L), ("b", "three", 2), ("c", "C", 2), ("d", "D", 2)], await CatalogAsync("ds"));
        Assert.Equal([.. await CatalogAsync("ds"), ("z", "Z", 1)], await CatalogAsync("other"));
        Assert.Equal(new RecordCounts(4, 0), await Records.CountAsync("ds", default));
        Assert.Equal([6L], (await Records.ReadErrorsAsync("ds", "imp-1", 0, null, default).ToListAsync()).Select(e => e.Line));

        // The key is unique again after the load: a later upsert replaces, a later insert refuses.
        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, Batches.Entities("ds", ("b", "four")));
        var insert = await LoadAsync("ds", "imp-4", 4, WriteMode.Insert, Batches.Entities("ds", ("a", "again"), ("e", "E")));
        Assert.Equal((1L, 1L), (insert.Written, insert.Rejected));
        Assert.Equal([("a", "A2", 2L), ("b", "four", 3), ("c", "C", 2), ("d", "D", 2), ("e", "E", 4)], await CatalogAsync("ds"));
    }

    [Fact]
    public async Task A_first_entity_load_discarded_while_read_or_after_its_merge_leaves_the_dataset_empty_and_keyed()
    {
        var failure = new JobError(ErrorCodes.MalformedFile, "discarded by the test");
        await using (var sink = await OpenAsync("ds", "imp-1", 1, WriteMode.Replace))
        {
            await sink.WriteAsync(CutCatalog("ds")[0], default);
            await sink.WriteAsync(CutCatalog("ds")[1], default);
            Assert.Equal(new LoadTotals(6, 0, 1, 0, "entity"), await sink.CommitAsync(LoadDecision.Discard(failure), default));
        }

        await using (var sink = await OpenAsync("ds", "imp-2", 2, WriteMode.Upsert))
        {
            foreach (var batch in CutCatalog("ds"))
            {
                await sink.WriteAsync(batch, default);
            }

            Assert.Equal(7, (await sink.MergeAsync(revocable: true, default)).Written);
            await sink.CommitAsync(LoadDecision.Discard(failure), default);
        }

        Assert.Equal(RecordCounts.Zero, await Records.CountAsync("ds", default));
        Assert.Empty(await CatalogAsync("ds"));
        Assert.Equal([6L], (await Records.ReadErrorsAsync("ds", "imp-1", 0, null, default).ToListAsync()).Select(e => e.Line));

        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, Batches.Entities("ds", ("b", "one"), ("b", "two")));
        await LoadAsync("ds", "imp-4", 4, WriteMode.Upsert, Batches.Entities("ds", ("b", "three")));
        Assert.Equal([("b", "three", 4L)], await CatalogAsync("ds"));
        Assert.Equal(new RecordCounts(1, 0), await Records.CountAsync("ds", default));
    }

    private async Task<(LoadTotals Totals, long Repeated)> LoadSeveralAsync(string dataset, string importId, WriteMode mode, IEnumerable<RecordBatch> batches)
    {
        await using var sink = await OpenAsync(dataset, importId, 2, mode, batches.First().RecordType);
        foreach (var batch in batches)
        {
            await sink.WriteAsync(batch, default);
        }

        await sink.MergeAsync(revocable: false, default);
        var repeated = sink.Repeated;
        return (await sink.CommitAsync(LoadDecision.Apply([]), default), repeated);
    }
}
