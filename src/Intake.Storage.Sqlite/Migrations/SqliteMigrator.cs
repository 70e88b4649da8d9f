using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite.Migrations;

/// <summary>
/// Applies versioned scripts under SQLite's write lock (<c>BEGIN IMMEDIATE</c>), tracking the version in
/// <c>PRAGMA user_version</c>, so two openers never apply the same script twice.
/// </summary>
internal static class SqliteMigrator
{
    /// <param name="pageSize">The page size of a database created here; an existing database keeps its own (SQLite
    /// ignores the pragma once a table exists, and in WAL mode once the mode is set).</param>
    public static async Task MigrateAsync(SqliteConnection connection, IReadOnlyList<string> scripts, CancellationToken cancellationToken,
        int? pageSize = null)
    {
        if (pageSize is { } bytes)
        {
            await connection.ExecuteAsync($"PRAGMA page_size = {bytes};", cancellationToken);
        }

        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await using var transaction = await connection.BeginWriteAsync(cancellationToken);
        var version = await connection.ScalarAsync<long>("PRAGMA user_version;", cancellationToken);
        for (var next = (int)version; next < scripts.Count; next++)
        {
            await connection.ExecuteAsync(scripts[next], cancellationToken);
            await connection.ExecuteAsync($"PRAGMA user_version = {next + 1};", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task<bool> IsCurrentAsync(SqliteConnection connection, IReadOnlyList<string> scripts, CancellationToken cancellationToken) =>
        await connection.ScalarAsync<long>("PRAGMA user_version;", cancellationToken) == scripts.Count;
}
