using Npgsql;

namespace Intake.Storage.Postgres.Migrations;

/// <summary>
/// Applies the versioned scripts under a transaction-scoped advisory lock, so nodes starting together apply
/// each script once; the version lives in <c>schema_version</c>.
/// </summary>
internal static class PostgresMigrator
{
    private const long MigrationLock = 0x1_7A_4E_0001;

    public static async Task MigrateAsync(NpgsqlConnection connection, IReadOnlyList<string> scripts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("lock", MigrationLock));
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);", cancellationToken);
        var version = await connection.ScalarAsync<int?>("SELECT max(version) FROM schema_version;", cancellationToken) ?? 0;
        for (var next = version; next < scripts.Count; next++)
        {
            await connection.ExecuteAsync(scripts[next], cancellationToken);
            await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (@version);", cancellationToken, ("version", next + 1));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task<bool> IsCurrentAsync(NpgsqlConnection connection, IReadOnlyList<string> scripts, CancellationToken cancellationToken) =>
        await connection.ScalarAsync<int?>("SELECT max(version) FROM schema_version;", cancellationToken) == scripts.Count;
}
