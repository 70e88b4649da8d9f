using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>What every record store must do, run unchanged against each provider.</summary>
public abstract partial class RecordStoreCompliance : StoreCompliance
{
    protected IRecordStore Records => Store.Records;

    [Fact]
    public async Task A_completed_load_commits_records_rejections_types_and_marker_together()
    {
        var batch = Batches.Build(BuiltInRecordTypes.Entity, "ds",
            ["""{"id":"a","type":"p","name":"A","metadata":{"price":1.5}}""", """{"id":"","type":"p"}""", """{"id":"b","type":"p"}"""]);

        LoadTotals totals;
        await using (var sink = await OpenAsync("ds", "imp-1", 1, WriteMode.Upsert))
        {
            await sink.WriteAsync(batch, default);
            Assert.Equal(new LoadTotals(3, 2, 1, 0, "entity"), await sink.MergeAsync(revocable: false, default));
            totals = await sink.CommitAsync(LoadDecision.Apply([new("price", AttributeType.Double, false, AttributeTypeChangeKind.Added)]), default);
        }

        Assert.Equal(new LoadTotals(3, 2, 1, 0, "entity"), totals);
        Assert.Equal(new RecordCounts(2, 0), await Records.CountAsync("ds", default));
        Assert.Equal(AttributeType.Double, (await Records.GetAttributeTypesAsync("ds", default))["price"]);
        Assert.Equal(new AppliedLoad(totals, null), await Records.FindAppliedLoadAsync("ds", "imp-1", default));
        var error = Assert.Single(await Records.ReadErrorsAsync("ds", "imp-1", 0, null, default).ToListAsync());
        Assert.Equal(("MissingField", "id", 3L), (error.Code, error.Field, error.Line));
        var a = (await Records.FindEntityAsync("ds", "p", "a", default))!;
        Assert.Equal("A", a.Name);
        Assert.Equal(1, a.BatchSeq);
        Assert.Contains("1.5", a.AttributesJson);
    }

    [Fact]
    public async Task A_load_disposed_without_completing_leaves_nothing()
    {
        await using (var sink = await OpenAsync("ds", "imp-1", 1, WriteMode.Upsert))
        {
            await sink.WriteAsync(Batches.Entities("ds", ("a", "A"), ("b", "B")), default);
        }

        Assert.Equal(RecordCounts.Zero, await Records.CountAsync("ds", default));
        Assert.Null(await Records.FindEntityAsync("ds", "p", "a", default));
        Assert.Null(await Records.FindAppliedLoadAsync("ds", "imp-1", default));
        Assert.Empty(await Records.ReadErrorsAsync("ds", "imp-1", 0, null, default).ToListAsync());
    }

    [Fact]
    public async Task Upsert_keeps_the_last_record_of_a_key_within_and_across_loads()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "first"), ("b", "bee"), ("a", "second")));
        Assert.Equal("second", (await Records.FindEntityAsync("ds", "p", "a", default))!.Name);

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Entities("ds", ("a", "third")));

        Assert.Equal(1, totals.Written);
        var a = (await Records.FindEntityAsync("ds", "p", "a", default))!;
        Assert.Equal(("third", 2L), (a.Name, a.BatchSeq));
        Assert.Equal(new RecordCounts(2, 0), await Records.CountAsync("ds", default));
    }

    [Fact]
    public async Task Insert_mode_rejects_keys_that_exist_and_keeps_the_first_of_a_repeated_key()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "old")));

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Insert, Batches.Entities("ds", ("a", "new"), ("b", "one"), ("b", "two")));

        Assert.Equal((1L, 2L), (totals.Written, totals.Rejected));
        Assert.Equal("old", (await Records.FindEntityAsync("ds", "p", "a", default))!.Name);
        Assert.Equal("one", (await Records.FindEntityAsync("ds", "p", "b", default))!.Name);
        var errors = await Records.ReadErrorsAsync("ds", "imp-2", 0, null, default).ToListAsync();
        Assert.Equal([2L, 4L], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal("EntityAlreadyExists", e.Code));
        Assert.Equal("p/a", errors[0].ErrorId);
    }

    [Fact]
    public async Task Replace_deletes_records_of_the_type_that_the_load_did_not_write()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A"), ("b", "B"), ("c", "C")));
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1)));

        var totals = await LoadAsync("ds", "imp-3", 3, WriteMode.Replace, Batches.Entities("ds", ("b", "B2"), ("d", "D")));

        Assert.Equal(2, totals.Deleted);
        Assert.Equal(new RecordCounts(2, 1), await Records.CountAsync("ds", default));
        Assert.Null(await Records.FindEntityAsync("ds", "p", "a", default));
        Assert.Equal("B2", (await Records.FindEntityAsync("ds", "p", "b", default))!.Name);
    }

    [Fact]
    public async Task Deleting_an_imports_errors_keeps_its_records()
    {
        var batch = Batches.Build(BuiltInRecordTypes.Entity, "ds", ["""{"id":"a","type":"p"}""", """{"type":"p"}"""]);
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, batch);

        await Records.DeleteErrorsAsync("ds", ["imp-1", "imp-unknown"], default);
        await Records.DeleteErrorsAsync("never-loaded", ["imp-1"], default);

        Assert.Empty(await Records.ReadErrorsAsync("ds", "imp-1", 0, null, default).ToListAsync());
        Assert.NotNull(await Records.FindEntityAsync("ds", "p", "a", default));
    }

    [Fact]
    public async Task Delete_batch_removes_only_the_records_it_last_wrote()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A"), ("b", "B")));
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Entities("ds", ("b", "B2"), ("c", "C")));

        Assert.Equal(1, await Records.DeleteBatchAsync("ds", 1, default));

        Assert.Null(await Records.FindEntityAsync("ds", "p", "a", default));
        Assert.NotNull(await Records.FindEntityAsync("ds", "p", "b", default));
        Assert.Equal(new RecordCounts(2, 0), await Records.CountAsync("ds", default));
    }

    [Fact]
    public async Task Clear_removes_every_record_and_attribute_type_but_keeps_the_dataset_usable()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A")), [new("n", AttributeType.Integer, false, AttributeTypeChangeKind.Added)]);
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "a", 2)));

        Assert.Equal(3, await Records.ClearAsync("ds", default));

        Assert.Equal(RecordCounts.Zero, await Records.CountAsync("ds", default));
        Assert.Empty(await Records.GetAttributeTypesAsync("ds", default));
        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, Batches.Entities("ds", ("z", "Z")));
        Assert.Equal(new RecordCounts(1, 0), await Records.CountAsync("ds", default));
    }

    [Fact]
    public async Task Export_selects_by_kind_type_batches_and_time()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A")));
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Interactions("ds", ("u1", "a", 1000), ("u2", "a", 2000)));
        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, Batches.Interactions("ds", ("u3", "a", 3000)));

        var all = await Records.ExportAsync("ds", new ExportQuery(null, null, null, null), default).ToListAsync();
        var interactions = await Records.ExportAsync("ds", new ExportQuery(RecordKind.Interaction, "view", null, 2000), default).ToListAsync();
        var batch2 = await Records.ExportAsync("ds", new ExportQuery(null, null, [2], null), default).ToListAsync();
        var none = await Records.ExportAsync("ds", new ExportQuery(null, "other", null, null), default).ToListAsync();

        Assert.Equal(4, all.Count);
        Assert.Equal(["u2", "u3"], interactions.Select(r => r.Id).Order());
        Assert.Equal(2, batch2.Count);
        Assert.All(batch2, r => Assert.Equal(RecordKind.Interaction, r.Kind));
        Assert.Empty(none);
        var counts = await Records.CountByBatchAsync("ds", [1, 2, 3], default);
        Assert.Equal(new RecordCounts(0, 2), counts[2]);
    }

    [Fact]
    public async Task Interactions_are_keyed_by_type_source_target_and_time_within_and_across_loads()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "b", 1), ("u", "a", 2)));

        var upsert = await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "a", 1), ("v", "a", 1)));

        Assert.Equal((3L, 0L), (upsert.Written, upsert.Rejected));
        Assert.Equal(new RecordCounts(0, 4), await Records.CountAsync("ds", default));
        var stored = await Records.ExportAsync("ds", new ExportQuery(RecordKind.Interaction, null, null, null), default).ToListAsync();
        Assert.Equal(2, Assert.Single(stored, r => (r.Id, r.TargetId, r.Timestamp) == ("u", "a", 1L)).BatchSeq);

        var insert = await LoadAsync("ds", "imp-3", 3, WriteMode.Insert, Batches.Interactions("ds", ("u", "b", 1), ("w", "a", 1), ("w", "a", 1)));

        Assert.Equal((1L, 2L), (insert.Written, insert.Rejected));
        Assert.Equal(new RecordCounts(0, 5), await Records.CountAsync("ds", default));
        var errors = await Records.ReadErrorsAsync("ds", "imp-3", 0, null, default).ToListAsync();
        Assert.Equal([2L, 4L], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Contains("could not be created because it already exists", e.Message));
        Assert.Equal([4L], await Records.ReadErrorsAsync("ds", "imp-3", 1, 5, default).Select(e => e.Line).ToListAsync());
        Assert.Empty(await Records.ReadErrorsAsync("ds", "imp-3", 2, null, default).ToListAsync());

        var byType = await Records.CountByTypeAsync("ds", default);
        Assert.Empty(byType.Entities);
        Assert.Equal(5, byType.Interactions.Values.Sum());
    }

    [Fact]
    public async Task Declared_attribute_types_conflict_with_different_existing_ones()
    {
        Assert.Empty(await Records.DeclareAttributeTypesAsync("ds", new Dictionary<string, AttributeType> { ["price"] = AttributeType.Double }, default));
        var conflicts = await Records.DeclareAttributeTypesAsync("ds",
            new Dictionary<string, AttributeType> { ["price"] = AttributeType.String, ["color"] = AttributeType.String }, default);

        Assert.Equal(["price"], conflicts);
        Assert.Equal(AttributeType.Double, (await Records.GetAttributeTypesAsync("ds", default))["price"]);
        Assert.False((await Records.GetAttributeTypesAsync("ds", default)).ContainsKey("color"));
    }

    [Fact]
    public async Task Widening_a_csv_text_attribute_turns_its_stored_text_into_lists_in_both_tables()
    {
        var items = Batches.Build(TableEntityRecordType.Item, "ds",
        [
            """{"itemId":"i1","label":"x","interests":"science, technology,,travel","price":1.50}""",
            """{"itemId":"i2","interests":""}""",
            """{"itemId":"i3","price":2}""",
        ]);
        var events = Batches.Build(BuiltInRecordTypes.UserItemInteraction, "ds",
            ["""{"userId":"u1","itemId":"i1","timestamp":1581681280254,"interactionName":"view","interests":"a|b , c"}"""]);
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, items,
            [new("label", AttributeType.String, true, AttributeTypeChangeKind.Added), new("interests", AttributeType.String, true, AttributeTypeChangeKind.Added),
             new("price", AttributeType.Double, false, AttributeTypeChangeKind.Added)]);
        await LoadAsync("ds", "imp-2", 2, WriteMode.Upsert, events);
        Assert.Equal(["interests", "label"], (await Records.GetCsvTextAttributesAsync("ds", default)).Order());

        var lists = Batches.Build(TableEntityRecordType.Item, "ds", ["""{"itemId":"i4","interests":["z"]}"""]);
        await LoadAsync("ds", "imp-3", 3, WriteMode.Upsert, lists,
            [new("interests", AttributeType.List, false, AttributeTypeChangeKind.Widened), new("label", AttributeType.String, false, AttributeTypeChangeKind.Confirmed)]);

        Assert.Equal("""{"label":"x","interests":["science","technology","travel"],"price":1.50}""", Compact((await Records.FindEntityAsync("ds", "item", "i1", default))!));
        Assert.Equal("""{"interests":[]}""", Compact((await Records.FindEntityAsync("ds", "item", "i2", default))!));
        Assert.Equal("""{"price":2}""", Compact((await Records.FindEntityAsync("ds", "item", "i3", default))!));
        var stored = Assert.Single(await Records.ExportAsync("ds", new ExportQuery(RecordKind.Interaction, null, null, null), default).ToListAsync());
        Assert.Equal("""{"interests":["a|b","c"]}""", Compact(stored));
        Assert.Equal(1, (await Records.FindEntityAsync("ds", "item", "i1", default))!.BatchSeq);
        Assert.Equal((AttributeType.List, AttributeType.String), ((await Records.GetAttributeTypesAsync("ds", default))["interests"], (await Records.GetAttributeTypesAsync("ds", default))["label"]));
        Assert.Empty(await Records.GetCsvTextAttributesAsync("ds", default));
    }

    [Fact]
    public async Task Declaring_a_csv_text_attribute_a_string_makes_it_a_plain_string()
    {
        var items = Batches.Build(TableEntityRecordType.Item, "ds", ["""{"itemId":"i1","interests":"a,b"}"""]);
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, items, [new("interests", AttributeType.String, true, AttributeTypeChangeKind.Added)]);

        Assert.Empty(await Records.DeclareAttributeTypesAsync("ds", new Dictionary<string, AttributeType> { ["interests"] = AttributeType.String }, default));

        Assert.Empty(await Records.GetCsvTextAttributesAsync("ds", default));
    }

    /// <summary>The stores may space a rebuilt object differently; its keys, order and values are what count.</summary>
    private static string Compact(StoredRecord record) =>
        System.Text.Json.Nodes.JsonNode.Parse(record.AttributesJson!)!.ToJsonString();

    protected Task<IRecordSink> OpenAsync(string dataset, string importId, long seq, WriteMode mode, RecordType? type = null) =>
        Records.OpenSinkAsync(new LoadRequest(dataset, importId, seq, type ?? BuiltInRecordTypes.Entity, mode, 1000), default);

    protected async Task<LoadTotals> LoadAsync(string dataset, string importId, long seq, WriteMode mode, RecordBatch batch,
        IReadOnlyList<AttributeTypeChange>? types = null)
    {
        await using var sink = await OpenAsync(dataset, importId, seq, mode, batch.RecordType);
        await sink.WriteAsync(batch, default);
        await sink.MergeAsync(revocable: false, default);
        return await sink.CommitAsync(LoadDecision.Apply(types ?? []), default);
    }
}
