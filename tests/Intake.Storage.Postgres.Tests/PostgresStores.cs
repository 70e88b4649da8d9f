using Intake.Storage.Compliance;
using Intake.Tests.Shared;
using Npgsql;

namespace Intake.Storage.Postgres.Tests;

/// <summary>A PostgreSQL store in a database of its own per test; disposing drops the database.</summary>
internal static class PostgresStores
{
    public static async Task<StoreUnderTest> CreateAsync()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("intake_store");
        var dataSource = new PostgresDataSource(database.ConnectionString);
        var jobs = new PostgresJobStore(dataSource, TimeProvider.System);
        return new StoreUnderTest(jobs, jobs, new PostgresRecordStore(dataSource), new PostgresKeyStore(dataSource),
            new PostgresStoreLifecycle(jobs, TimeProvider.System), new Cleanup(dataSource, database));
    }

    private sealed class Cleanup(PostgresDataSource dataSource, PostgresTestDatabase database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await dataSource.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await database.DisposeAsync();
        }
    }
}

public sealed class PostgresJobStoreTests : JobStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => PostgresStores.CreateAsync();
}

public sealed class PostgresRecordStoreTests : RecordStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => PostgresStores.CreateAsync();
}

public sealed class PostgresKeyStoreTests : KeyStoreCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => PostgresStores.CreateAsync();
}

public sealed class PostgresQueueAndOutboxTests : QueueAndOutboxCompliance
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => PostgresStores.CreateAsync();
}
