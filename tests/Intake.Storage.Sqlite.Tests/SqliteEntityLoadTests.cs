using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>
/// Entities loaded into a dataset that holds none are written while the file is read, without their key index (built
/// again when the early writing ends), for up to 32 keys per KiB of the load's page cache (32,768 keys in 1 MiB); a repeat
/// of a key written early overwrites its row then (insert mode refuses it at the merge), and the batches past the cap are
/// staged and merged beside the keys written early. Wherever the file is cut, the outcome is the one a load merged
/// whole would have.
/// </summary>
public sealed class SqliteEntityLoadTests : IDisposable
{
    private const int MaxStoredErrors = 100_000;
    private readonly TemporarySqliteStore _store = new("sqlite-entities", new SqliteOptions { LoadCacheMegabytes = 1 });
    private readonly SqliteDataSource _dataSource;
    private readonly SqliteRecordStore _records;

    public SqliteEntityLoadTests() => (_dataSource, _records) = (_store.DataSource, _store.Records);

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// 20,000 new ids (written early), then 15,000 of which 5,000 repeat the first batch (past 32,768 keys: staged),
    /// then 10,001 of which 5,000 repeat the second and one repeats an id of the first batch.
    /// </summary>
    private static RecordBatch[] CutCatalog(string dataset) =>
    [
        Products(dataset, 2, Enumerable.Range(0, 20_000).Select(i => (i, "a"))),
        Products(dataset, 20_002, Enumerable.Range(15_000, 15_000).Select(i => (i, "b"))),
        Products(dataset, 35_002, Enumerable.Range(25_000, 10_000).Select(i => (i, "c")).Append((3, "c"))),
    ];

    private static RecordBatch Products(string dataset, long firstLine, IEnumerable<(int Id, string Name)> records) =>
        Batches.Build(BuiltInRecordTypes.Entity, dataset, records.Select(r => $$"""{"id":"{{r.Id}}","type":"p","name":"{{r.Name}}"}"""), firstLine);

    [Theory]
    [InlineData(WriteMode.Upsert)]
    [InlineData(WriteMode.Insert)]
    public async Task A_first_entity_load_past_the_keys_written_early_ends_as_a_merged_load_does(WriteMode mode)
    {
        // "merged" holds an entity before the load, so nothing of its load is written early.
        await LoadAsync("merged", "imp-0", 1, WriteMode.Upsert, [Products("merged", 2, [(-1, "z")])]);

        var early = await LoadAsync("early", "imp-1", 2, mode, CutCatalog("early"));
        var merged = await LoadAsync("merged", "imp-1", 2, mode, CutCatalog("merged"));

        Assert.Equal(merged, early);
        var (totals, repeated) = early;
        Assert.Equal(10_001, repeated);
        Assert.Equal(mode == WriteMode.Upsert ? new LoadTotals(45_001, 45_001, 0, 0, "entity") : new LoadTotals(45_001, 35_000, 10_001, 0, "entity"), totals);

        var catalog = await _store.CatalogAsync("early");
        Assert.Equal(catalog, (await _store.CatalogAsync("merged")).Where(entity => entity.Id != "-1"));
        Assert.Equal(35_000, catalog.Count);
        string Expected(int id) => mode == WriteMode.Insert
            ? id < 20_000 ? "a" : id < 30_000 ? "b" : "c"
            : id == 3 ? "c" : id < 15_000 ? "a" : id < 25_000 ? "b" : "c";
        Assert.All(catalog, entity => Assert.Equal(Expected(int.Parse(entity.Id)), entity.Name));
        Assert.Equal(new RecordCounts(35_000, 0), await _records.CountAsync("early", default));

        var errors = await _records.ReadErrorsAsync("early", "imp-1", 0, null, default).Select(e => e.Line).ToListAsync();
        Assert.Equal(await _records.ReadErrorsAsync("merged", "imp-1", 0, null, default).Select(e => e.Line).ToListAsync(), errors);
        Assert.Equal(mode == WriteMode.Insert ? 10_001 : 0, errors.Count);
        Assert.Equal(errors.Order(), errors);

        // The key is unique after the load: an upsert of a key replaces it, whichever way it was written.
        await LoadAsync("early", "imp-2", 3, WriteMode.Upsert, [Products("early", 2, [(3, "d"), (29_999, "d")])]);
        Assert.Equal(new RecordCounts(35_000, 0), await _records.CountAsync("early", default));
        Assert.Equal("d", (await _records.FindEntityAsync("early", "p", "3", default))!.Name);
        Assert.Equal("d", (await _records.FindEntityAsync("early", "p", "29999", default))!.Name);
    }

    /// <summary>
    /// Every batch under the cap, so all are written early, with the key index dropped: the second batch repeats 5,000
    /// keys of the first and one of its own, the third one key of each. In upsert mode the repeats overwrite their rows as
    /// they come; insert mode merges them, and refuses them, after the index is built again.
    /// </summary>
    [Theory]
    [InlineData(WriteMode.Upsert)]
    [InlineData(WriteMode.Insert)]
    public async Task A_first_entity_load_with_repeats_all_written_early_ends_as_a_merged_load_does(WriteMode mode)
    {
        await LoadAsync("merged", "imp-0", 1, WriteMode.Upsert, [Products("merged", 2, [(-1, "z")])]);
        RecordBatch[] Catalog(string dataset) =>
        [
            Products(dataset, 2, Enumerable.Range(0, 10_000).Select(i => (i, "a"))),
            Products(dataset, 10_002, Enumerable.Range(5_000, 10_000).Select(i => (i, "b")).Append((14_999, "b2"))),
            Products(dataset, 20_003, [(3, "c"), (12_000, "c")]),
        ];

        var early = await LoadAsync("early", "imp-1", 2, mode, Catalog("early"));
        var merged = await LoadAsync("merged", "imp-1", 2, mode, Catalog("merged"));

        Assert.Equal(merged, early);
        Assert.Equal(5_003, early.Repeated);
        Assert.Equal(mode == WriteMode.Upsert ? new LoadTotals(20_003, 20_003, 0, 0, "entity") : new LoadTotals(20_003, 15_000, 5_003, 0, "entity"),
            early.Totals);
        var catalog = await _store.CatalogAsync("early");
        Assert.Equal(catalog, (await _store.CatalogAsync("merged")).Where(entity => entity.Id != "-1"));
        Assert.Equal(15_000, catalog.Count);
        string Expected(int id) => mode == WriteMode.Insert
            ? id < 10_000 ? "a" : "b"
            : id is 3 or 12_000 ? "c" : id == 14_999 ? "b2" : id < 5_000 ? "a" : "b";
        Assert.All(catalog, entity => Assert.Equal(Expected(int.Parse(entity.Id)), entity.Name));
        var errors = await _records.ReadErrorsAsync("early", "imp-1", 0, null, default).Select(e => e.Line).ToListAsync();
        Assert.Equal(await _records.ReadErrorsAsync("merged", "imp-1", 0, null, default).Select(e => e.Line).ToListAsync(), errors);
        Assert.Equal(EntityKeyIndexOf("merged"), EntityKeyIndexOf("early"));

        // The index serves lookups again: an upsert of a stored key replaces it.
        await LoadAsync("early", "imp-2", 3, WriteMode.Upsert, [Products("early", 2, [(7, "d")])]);
        Assert.Equal(new RecordCounts(15_000, 0), await _records.CountAsync("early", default));
        Assert.Equal("d", (await _records.FindEntityAsync("early", "p", "7", default))!.Name);
    }

    /// <summary>
    /// A repeat of a key written early overwrites that key's row, found by its rowid while the key index is dropped. A key
    /// that shares the hash of a key written early (a collision, forced here) finds that row holding another key: it is
    /// staged and merged once the index is back, as a key of its own, and its repeats with it.
    /// </summary>
    [Theory]
    [InlineData(WriteMode.Upsert)]
    [InlineData(WriteMode.Replace)]
    public async Task A_repeat_written_early_overwrites_its_row_and_a_key_sharing_its_hash_stays_apart(WriteMode mode)
    {
        await LoadAsync("merged", "imp-0", 1, WriteMode.Upsert, [Products("merged", 2, [(-1, "z")])]);
        RecordBatch[] Catalog(string dataset)
        {
            var second = Products(dataset, 1_002, [(5, "b"), (6, "b"), (2_000, "x"), (2_000, "y"), (7, "b")]);
            var third = Products(dataset, 1_007, [(2_000, "z"), (5, "c")]);
            var hashOf7 = Products(dataset, 2, [(7, "a")]).Slots[0].KeyHash;
            second.Slots[2].KeyHash = second.Slots[3].KeyHash = third.Slots[0].KeyHash = hashOf7;
            return [Products(dataset, 2, Enumerable.Range(0, 1_000).Select(i => (i, "a"))), second, third];
        }

        var early = await LoadAsync("early", "imp-1", 2, mode, Catalog("early"));
        var merged = await LoadAsync("merged", "imp-1", 2, mode, Catalog("merged"));

        Assert.Equal(merged.Repeated, early.Repeated);
        Assert.Equal(7, early.Repeated);
        Assert.Equal(new LoadTotals(1_007, 1_007, 0, 0, "entity"), early.Totals);
        Assert.Equal((1_007L, 1_007L, mode == WriteMode.Replace ? 1L : 0L), (merged.Totals.Read, merged.Totals.Written, merged.Totals.Deleted));
        var catalog = await _store.CatalogAsync("early");
        Assert.Equal(catalog, (await _store.CatalogAsync("merged")).Where(entity => entity.Id != "-1"));
        Assert.Equal(1_001, catalog.Count);
        string Expected(int id) => id switch { 5 => "c", 6 or 7 => "b", 2_000 => "z", _ => "a" };
        Assert.All(catalog, entity => Assert.Equal(Expected(int.Parse(entity.Id)), entity.Name));
        Assert.Equal(new RecordCounts(1_001, 0), await _records.CountAsync("early", default));
        Assert.Equal(EntityKeyIndexOf("merged"), EntityKeyIndexOf("early"));

        // Through the index again, an upsert of the key written early replaces it alone, not the key that shares its hash.
        await LoadAsync("early", "imp-2", 3, WriteMode.Upsert, [Products("early", 2, [(7, "d")])]);
        Assert.Equal("d", (await _records.FindEntityAsync("early", "p", "7", default))!.Name);
        Assert.Equal(new RecordCounts(1_001, 0), await _records.CountAsync("early", default));
        Assert.Equal(["2000 z", "7 d"], (await _store.CatalogAsync("early")).Where(e => e.Id is "7" or "2000").Select(e => $"{e.Id} {e.Name}").Order());
    }

    [Fact]
    public async Task A_first_entity_load_discarded_while_written_early_keeps_the_key_index()
    {
        await LoadAsync("before", "imp-0", 1, WriteMode.Upsert, [Products("before", 2, [(1, "x")])]);
        var index = EntityKeyIndexOf("before");
        Assert.NotNull(index);
        await using (var sink = await _records.OpenSinkAsync(new LoadRequest("ds", "imp-1", 1, BuiltInRecordTypes.Entity, WriteMode.Upsert, MaxStoredErrors), default))
        {
            await sink.WriteAsync(Products("ds", 2, Enumerable.Range(0, 1_000).Select(i => (i, "a"))), default);
            await sink.WriteAsync(Products("ds", 1_002, [(5, "b")]), default);
            await sink.CommitAsync(LoadDecision.Discard(new Core.Jobs.JobError(Core.Jobs.ErrorCodes.MalformedFile, "discarded before the merge")), default);
        }

        Assert.Equal(RecordCounts.Zero, await _records.CountAsync("ds", default));
        Assert.Equal(index, EntityKeyIndexOf("ds"));
    }

    /// <summary>The definition of the entities' key index in a dataset's database, or null if it has none.</summary>
    private string? EntityKeyIndexOf(string dataset)
    {
        using var connection = new SqliteConnection($"Data Source={_dataSource.DatasetPath(dataset)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'entities_key'";
        return command.ExecuteScalar() as string;
    }

    [Fact]
    public async Task A_first_entity_load_discarded_after_passing_the_keys_written_early_leaves_the_dataset_empty()
    {
        await using (var sink = await _records.OpenSinkAsync(new LoadRequest("ds", "imp-1", 1, BuiltInRecordTypes.Entity, WriteMode.Upsert, MaxStoredErrors), default))
        {
            foreach (var batch in CutCatalog("ds"))
            {
                await sink.WriteAsync(batch, default);
            }

            Assert.Equal(45_001, (await sink.MergeAsync(revocable: true, default)).Written);
            await sink.CommitAsync(LoadDecision.Discard(new Core.Jobs.JobError(Core.Jobs.ErrorCodes.MalformedFile, "discarded by the test")), default);
        }

        Assert.Equal(RecordCounts.Zero, await _records.CountAsync("ds", default));
        Assert.Empty(await _store.CatalogAsync("ds"));
        Assert.NotNull(EntityKeyIndexOf("ds"));
    }

    private async Task<(LoadTotals Totals, long Repeated)> LoadAsync(string dataset, string importId, long batchSeq, WriteMode mode, RecordBatch[] batches)
    {
        await using var sink = await _records.OpenSinkAsync(new LoadRequest(dataset, importId, batchSeq, BuiltInRecordTypes.Entity, mode, MaxStoredErrors), default);
        foreach (var batch in batches)
        {
            await sink.WriteAsync(batch, default);
        }

        await sink.MergeAsync(revocable: false, default);
        var repeated = sink.Repeated;
        return (await sink.CommitAsync(LoadDecision.Apply([]), default), repeated);
    }
}
