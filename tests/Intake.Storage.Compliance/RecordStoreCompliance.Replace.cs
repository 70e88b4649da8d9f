using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>
/// <c>replace</c> and rejected records: a rejected record whose key was read keeps the stored record with that key
/// (docs/decisions.md, "Replace and rejected records"); one whose key could not be read cannot, and the stored
/// records the load neither wrote nor rejected are deleted as before.
/// </summary>
public abstract partial class RecordStoreCompliance
{
    [Fact]
    public async Task Replace_keeps_the_stored_entity_of_a_key_whose_new_record_was_rejected()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", ("a", "A"), ("b", "B"), ("c", "C"), ("e", "E")));
        var replace = Batches.Build(BuiltInRecordTypes.Entity, "ds",
        [
            """{"id":"b","type":"p","name":"B2","metadata":"not an object"}""",
            """{"id":"d","type":"p","name":"D"}""",
            """{"type":"p","name":"no id"}""",
            """{"id":"e","type":"p","name":"E2","metadata":{"deep":{"x":1,"x":2}}}""",
        ]);

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Replace, replace);

        Assert.Equal((1L, 3L, 2L), (totals.Written, totals.Rejected, totals.Deleted));
        Assert.Equal(new RecordCounts(3, 0), await Records.CountAsync("ds", default));
        Assert.Null(await Records.FindEntityAsync("ds", "p", "a", default));
        Assert.Null(await Records.FindEntityAsync("ds", "p", "c", default));
        Assert.Equal(("B", 1L), ((await Records.FindEntityAsync("ds", "p", "b", default))!.Name, (await Records.FindEntityAsync("ds", "p", "b", default))!.BatchSeq));
        Assert.Equal("E", (await Records.FindEntityAsync("ds", "p", "e", default))!.Name);
        Assert.Equal("D", (await Records.FindEntityAsync("ds", "p", "d", default))!.Name);
    }

    [Fact]
    public async Task Replace_keeps_the_stored_event_of_a_key_whose_new_record_was_rejected_but_not_one_whose_time_was_unreadable()
    {
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Interactions("ds", ("u", "a", 1), ("u", "b", 2), ("u", "c", 3)));
        var replace = Batches.Build(BuiltInRecordTypes.Interaction, "ds",
        [
            """{"type":"view","source_id":"u","target_id":"b","timestamp":2,"metadata":[1]}""",
            """{"type":"view","source_id":"u","target_id":"c","timestamp":"yesterday"}""",
            """{"type":"view","source_id":"u","target_id":"d","timestamp":4}""",
        ]);

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Replace, replace);

        Assert.Equal((1L, 2L, 2L), (totals.Written, totals.Rejected, totals.Deleted));
        Assert.Equal(new RecordCounts(0, 2), await Records.CountAsync("ds", default));
        var stored = await Records.ExportAsync("ds", new ExportQuery(RecordKind.Interaction, null, null, null), default)
            .Select(i => (i.TargetId, i.Timestamp!.Value, i.BatchSeq)).ToListAsync();
        Assert.Equal([("b", 2L, 1L), ("d", 4L, 2L)], stored);
    }

    [Fact]
    public async Task Replace_keeps_the_stored_records_of_thousands_of_rejected_keys()
    {
        const int Count = 9000;
        await LoadAsync("ds", "imp-1", 1, WriteMode.Upsert, Batches.Entities("ds", Enumerable.Range(0, Count).Select(i => ($"k{i}", "old")).ToArray()));
        var replace = Batches.Build(BuiltInRecordTypes.Entity, "ds",
            Enumerable.Range(0, Count).Select(i => $$"""{"id":"k{{i}}","type":"p","name":"new","metadata":"bad"}""").Append("""{"id":"new","type":"p"}"""));

        var totals = await LoadAsync("ds", "imp-2", 2, WriteMode.Replace, replace);

        Assert.Equal((1L, (long)Count, 0L), (totals.Written, totals.Rejected, totals.Deleted));
        Assert.Equal(new RecordCounts(Count + 1, 0), await Records.CountAsync("ds", default));
        Assert.Equal("old", (await Records.FindEntityAsync("ds", "p", $"k{Count - 1}", default))!.Name);
        Assert.Equal("old", (await Records.FindEntityAsync("ds", "p", "k0", default))!.Name);
    }
}
