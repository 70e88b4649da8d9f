using System.Runtime.CompilerServices;
using Intake.Core.Imports;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Intake.Storage.Sqlite.Migrations;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>SQLite's page caches take their pages from the process's huge-page buffer (on Linux), which a load fills and gives back.</summary>
public sealed class SqlitePageCacheTests
{
    // As the server does, before anything in the process starts SQLite (the first data source it makes).
    [ModuleInitializer]
    internal static void ConfigureBeforeAnyTest() => SqlitePageCache.Configure(DatasetMigrations.PageSize, new SqliteOptions().LoadCacheMegabytes);

    [Fact]
    public async Task A_load_takes_its_pages_from_the_buffer_on_linux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), SqlitePageCache.Configured);
        using var store = new TemporarySqliteStore("sqlite-page-cache", new SqliteOptions());
        _ = SqlitePageCache.SlotsUsedAtMost();

        var batch = Batches.Build(BuiltInRecordTypes.Entity, "catalog",
            Enumerable.Range(0, 20_000).Select(i => $$"""{"id":"{{i}}","type":"p","name":"{{new string('n', 100)}}"}"""), 2);
        await using (var sink = await store.Records.OpenSinkAsync(new LoadRequest("catalog", "imp-1", 1, BuiltInRecordTypes.Entity, WriteMode.Upsert, 100), default))
        {
            await sink.WriteAsync(batch, default);
            await sink.MergeAsync(revocable: false, default);
            await sink.CommitAsync(LoadDecision.Apply([]), default);
        }

        // 20,000 rows of about 130 bytes fill some 160 pages of 16 KiB, each in the load's cache.
        Assert.Equal(OperatingSystem.IsLinux(), SqlitePageCache.SlotsUsedAtMost() > 150);
        Assert.Equal(20_000, (await store.Records.CountAsync("catalog", default)).Entities);
    }
}
