using Intake.Core.Imports;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Intake.Storage.Relational;
using Intake.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>
/// A dataset database is created with 16 KiB pages (fewer system calls per load, ADR 2 round six); one made before,
/// with SQLite's 4 KiB pages, keeps them and still loads and reads as any other.
/// </summary>
public sealed class SqlitePageSizeTests : IDisposable
{
    private readonly TemporarySqliteStore _store = new("sqlite-pages", new SqliteOptions());

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_new_dataset_is_made_with_16_kib_pages_and_holds_what_is_loaded()
    {
        await LoadAsync("fresh", Enumerable.Range(0, 3000).Select(n => (Id: $"sku-{n:D5}", Name: $"Item {n}")).ToArray());

        Assert.Equal(DatasetMigrations.PageSize, PageSizeOf("fresh"));
        Assert.Equal(16384, DatasetMigrations.PageSize);
        Assert.Equal(new RecordCounts(3000, 0), await _store.Records.CountAsync("fresh", default));
        var catalog = await _store.CatalogAsync("fresh");
        Assert.Equal(("sku-02999", "Item 2999"), catalog[^1]);
    }

    [Fact]
    public async Task A_dataset_made_with_4_kib_pages_keeps_them_and_loads_as_before()
    {
        // A dataset database as Intake made them before: SQLite's default pages, WAL mode, and something stored.
        var path = _store.DataSource.DatasetPath("older");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var older = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await older.OpenAsync();
            await older.ExecuteAsync("PRAGMA page_size = 4096;", default);
            await SqliteMigrator.MigrateAsync(older, DatasetMigrations.Scripts, default);
        }

        Assert.Equal(4096, PageSizeOf("older"));
        await LoadAsync("older", Enumerable.Range(0, 3000).Select(n => (Id: $"sku-{n:D5}", Name: $"Item {n}")).ToArray());
        await LoadAsync("older", [("sku-00007", "Renamed")]);

        Assert.Equal(4096, PageSizeOf("older"));
        Assert.Equal(new RecordCounts(3000, 0), await _store.Records.CountAsync("older", default));
        Assert.Contains(("sku-00007", "Renamed"), await _store.CatalogAsync("older"));
    }

    private long PageSizeOf(string dataset)
    {
        using var connection = new SqliteConnection($"Data Source={_store.DataSource.DatasetPath(dataset)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

    private async Task LoadAsync(string dataset, (string Id, string Name)[] entities)
    {
        var importId = Guid.NewGuid().ToString("N");
        await using var sink = await _store.Records.OpenSinkAsync(
            new LoadRequest(dataset, importId, 1, BuiltInRecordTypes.Entity, WriteMode.Upsert, 100), default);
        await sink.WriteAsync(Batches.Entities(dataset, entities), default);
        await sink.MergeAsync(revocable: false, default);
        await sink.CommitAsync(LoadDecision.Apply([]), default);
    }
}
