using System.Data.Common;
using Intake.Storage.Postgres.Migrations;
using Intake.Storage.Relational;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// The control plane on PostgreSQL, shared by every node of a cluster (<see cref="RelationalJobStore"/> holds
/// the statements). Claims lock the chosen row with <c>FOR UPDATE SKIP LOCKED</c> so two nodes never take one
/// job; the order sequence is taken under a lock held to the commit; queued and canceled work is announced
/// with <c>NOTIFY</c>; and every node recovers expired leases as it claims.
/// </summary>
public sealed class PostgresJobStore(PostgresDataSource dataSource, TimeProvider time) : RelationalJobStore(time)
{
    private const long OrderLock = 0x1_7A_4E_0002;

    // Looking for expired leases on every claim would cost a query per poll of every worker; once a second
    // per process is enough, since a lease lasts many seconds.
    private static readonly TimeSpan s_recoveryInterval = TimeSpan.FromSeconds(1);
    private long _nextRecoveryTicks;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await PostgresMigrator.MigrateAsync(connection, Schema.Scripts, cancellationToken);
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        return await PostgresMigrator.IsCurrentAsync(connection, Schema.Scripts, cancellationToken);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenAsync(cancellationToken);

    protected override async Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        new PostgresTransaction(await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken));

    /// <remarks>
    /// The order lock is held until the transaction commits, so jobs become visible in the order of their
    /// numbers: a claim can never see a later job of a dataset while an earlier one is still uncommitted.
    /// </remarks>
    protected override async Task<long> NextOrderSeqAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("@lock", OrderLock));
        return await connection.ScalarAsync<long>("SELECT nextval('job_order');", cancellationToken);
    }

    protected override string InList(string column, string parameter) => $"{column} = ANY ({parameter})";

    protected override object ListValue(IReadOnlyList<string> values) => values.ToArray();

    protected override string SkipLockedRows => "FOR UPDATE SKIP LOCKED";

    protected override string LockRow => "FOR UPDATE";

    protected override string Bytewise => " COLLATE \"C\"";

    protected override Task NotifyQueuedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync($"SELECT pg_notify('{PostgresSql.JobsChannel}', '');", cancellationToken);

    protected override Task NotifyCancelAsync(DbConnection connection, string jobId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync($"SELECT pg_notify('{PostgresSql.CancelChannel}', @id);", cancellationToken, ("@id", jobId));

    protected override Task LockIdempotencyKeyAsync(DbConnection connection, string key, CancellationToken cancellationToken) =>
        connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 7));", cancellationToken, ("@key", key));

    protected override async Task BeforeClaimAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextRecoveryTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextRecoveryTicks, now.UtcTicks + s_recoveryInterval.Ticks, due) != due)
        {
            return;
        }

        await RecoverExpiredAsync(now, cancellationToken);
    }
}
