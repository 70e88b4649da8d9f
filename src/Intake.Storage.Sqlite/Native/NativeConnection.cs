using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite.Native;

/// <summary>
/// A SQLite connection opened without the per-call connection mutex (SQLITE_OPEN_NOMUTEX), for a load's
/// single writer. It must be used by one thread at a time, which a sink guarantees. Disposing closes it.
/// </summary>
internal sealed class NativeConnection : IDisposable
{
    private NativeConnection(IntPtr handle) => Handle = handle;

    public IntPtr Handle { get; private set; }

    public bool InTransaction => SqliteNative.GetAutocommit(Handle) == 0;

    /// <summary>The rowid of the last row inserted on this connection (0 if none).</summary>
    public long LastInsertRowId => SqliteNative.LastInsertRowId(Handle);

    public static NativeConnection Open(string path)
    {
        var result = SqliteNative.Open(path, out var handle, SqliteNative.OpenReadWrite | SqliteNative.OpenCreate | SqliteNative.OpenNoMutex, IntPtr.Zero);
        var connection = new NativeConnection(handle);
        if (result != SqliteNative.Ok)
        {
            var message = SqliteNative.Message(handle);
            connection.Dispose();
            throw new SqliteException($"Opening {path} failed: {message}", result);
        }

        SqliteNative.BusyTimeout(handle, 60_000);
        return connection;
    }

    /// <summary>Runs statements without parameters or results.</summary>
    public void Execute(string sql)
    {
        foreach (var statementSql in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var statement = Prepare(statementSql);
            statement.Execute();
        }
    }

    public NativeStatement Prepare(string sql) => new(this, sql);

    public void Dispose()
    {
        if (Handle != IntPtr.Zero)
        {
            SqliteNative.Close(Handle);
            Handle = IntPtr.Zero;
        }
    }
}
