using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>A SQLite store in a fresh directory per test class; disposing deletes the files, WAL and SHM included.</summary>
internal static class SqliteStores
{
    public static Task<StoreUnderTest> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "intake-tests", "sqlite-" + Guid.NewGuid().ToString("N"));
        var dataSource = new SqliteDataSource(Options.Create(new StorageOptions { DataDirectory = directory }));
        var jobs = new SqliteJobStore(dataSource);
        var records = new SqliteRecordStore(dataSource, Options.Create(new SqliteOptions()));
        return Task.FromResult(new StoreUnderTest(jobs, jobs, records, new SqliteKeyStore(dataSource), new SqliteStoreLifecycle(jobs), new Cleanup(dataSource, directory)));
    }

    private sealed class Cleanup(SqliteDataSource dataSource, string directory) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            dataSource.Dispose();
            Directory.Delete(directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteJobStoreTests : JobStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => SqliteStores.CreateAsync();
}

public sealed class SqliteRecordStoreTests : RecordStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => SqliteStores.CreateAsync();
}

public sealed class SqliteKeyStoreTests : KeyStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => SqliteStores.CreateAsync();
}

public sealed class SqliteQueueAndOutboxTests : QueueAndOutboxCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => SqliteStores.CreateAsync();
}
