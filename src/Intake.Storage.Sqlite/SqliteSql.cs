using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>Small helpers for hand-written SQL over Microsoft.Data.Sqlite.</summary>
internal static class SqliteSql
{
    /// <summary>Starts a write transaction that takes the write lock at once, so two writers never deadlock upgrading.</summary>
    public static async Task<WriteScope> BeginWriteAsync(this SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("BEGIN IMMEDIATE;", cancellationToken);
        return new WriteScope(connection);
    }

}
