using System.Data.Common;
using System.Text.Json;
using Intake.Storage.Relational;
using Intake.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>
/// The control plane on SQLite (<see cref="RelationalJobStore"/> holds the statements). Writes are short
/// <c>BEGIN IMMEDIATE</c> transactions on pooled connections: SQLite's single writer serializes them, so claims
/// need no row locks, and one process owns the database (a lock file), so nothing is announced to other nodes.
/// </summary>
public sealed class SqliteJobStore(SqliteDataSource dataSource) : RelationalJobStore(TimeProvider.System)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await SqliteMigrator.MigrateAsync(connection, ControlMigrations.Scripts, cancellationToken);
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        return await SqliteMigrator.IsCurrentAsync(connection, ControlMigrations.Scripts, cancellationToken);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenControlAsync(cancellationToken);

    protected override async Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((SqliteConnection)connection).BeginWriteAsync(cancellationToken);

    protected override async Task<long> NextOrderSeqAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ScalarAsync<long>("UPDATE order_sequence SET value = value + 1 WHERE id = 1 RETURNING value;", cancellationToken);

    protected override string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    protected override object ListValue(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    protected override string SkipLockedRows => "";

    protected override string LockRow => "";

    protected override string Bytewise => "";
}
