using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>
/// A transaction begun with plain SQL, so commands run in it without being tied to a transaction object.
/// Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed class WriteScope(SqliteConnection connection) : Relational.IWriteTransaction
{
    private bool _done;

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("COMMIT;", cancellationToken);
        _done = true;
    }

    public async ValueTask DisposeAsync()
    {
        // SQLite ends a transaction by itself on some errors; a ROLLBACK then would fail and hide the cause.
        if (!_done && connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            _done = true;
            await connection.ExecuteAsync("ROLLBACK;", CancellationToken.None);
        }
    }
}
