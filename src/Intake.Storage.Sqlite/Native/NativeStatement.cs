using System.Text;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite.Native;

/// <summary>
/// A prepared statement reused row after row. Text bound with <see cref="BindPinned"/> is not copied, so it
/// must stay where it is until the statement is stepped: callers pass only pinned memory. Not thread-safe.
/// </summary>
internal sealed unsafe class NativeStatement : IDisposable
{
    private static readonly IntPtr s_transient = new(-1);
    private static readonly byte* s_empty = (byte*)NativeMemoryHolder.Empty;
    private readonly NativeConnection _connection;
    private IntPtr _statement;

    public NativeStatement(NativeConnection connection, string sql)
    {
        _connection = connection;
        var bytes = Encoding.UTF8.GetBytes(sql);
        fixed (byte* text = bytes)
        {
            Check(SqliteNative.Prepare(connection.Handle, text, bytes.Length, SqliteNative.PreparePersistent, out _statement, IntPtr.Zero));
        }
    }

    public void Bind(int index, long value) => Check(SqliteNative.BindInt64(_statement, index, value));

    public void Bind(int index, double value) => Check(SqliteNative.BindDouble(_statement, index, value));

    public void BindNull(int index) => Check(SqliteNative.BindNull(_statement, index));

    /// <summary>Binds text in pinned memory without copying it.</summary>
    public void BindPinned(int index, ReadOnlySpan<byte> utf8)
    {
        fixed (byte* text = utf8)
        {
            // An empty span has no address; SQLite needs a non-null pointer for an empty (not NULL) text.
            Check(SqliteNative.BindText(_statement, index, text == null ? s_empty : text, utf8.Length, IntPtr.Zero));
        }
    }

    /// <summary>Binds a string by copying it (SQLITE_TRANSIENT), or NULL.</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            BindNull(index);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* text = bytes)
        {
            Check(SqliteNative.BindText(_statement, index, text == null ? s_empty : text, bytes.Length, s_transient));
        }
    }

    /// <summary>Runs the statement to completion and resets it; returns the rows it changed.</summary>
    public int Execute()
    {
        int result;
        while ((result = SqliteNative.Step(_statement)) == SqliteNative.Row)
        {
        }

        SqliteNative.Reset(_statement);
        if (result != SqliteNative.Done)
        {
            Check(result);
        }

        return SqliteNative.Changes(_connection.Handle);
    }

    /// <summary>Steps a query once; false (and reset) when it has no more rows. Columns 0 and 1 are read as integers.</summary>
    public bool StepRow(out long column0, out long column1)
    {
        var result = SqliteNative.Step(_statement);
        if (result == SqliteNative.Row)
        {
            column0 = SqliteNative.ColumnInt64(_statement, 0);
            column1 = SqliteNative.ColumnInt64(_statement, 1);
            return true;
        }

        SqliteNative.Reset(_statement);
        column0 = 0;
        column1 = 0;
        if (result != SqliteNative.Done)
        {
            Check(result);
        }

        return false;
    }

    /// <summary>Steps a query once: true on a row (read it with the column readers), false (and reset) when done.</summary>
    public bool Step()
    {
        var result = SqliteNative.Step(_statement);
        if (result == SqliteNative.Row)
        {
            return true;
        }

        SqliteNative.Reset(_statement);
        if (result != SqliteNative.Done)
        {
            Check(result);
        }

        return false;
    }

    /// <summary>Resets a query stepped to a row without reading it to its end.</summary>
    public void Reset() => SqliteNative.Reset(_statement);

    public bool IsNull(int column) => SqliteNative.ColumnType(_statement, column) == SqliteNative.NullColumn;

    public long Int64(int column) => SqliteNative.ColumnInt64(_statement, column);

    public double? Double(int column) => IsNull(column) ? null : SqliteNative.ColumnDouble(_statement, column);

    /// <summary>A text column of the current row as UTF-8 bytes, valid until the next step; empty for null.</summary>
    public ReadOnlySpan<byte> Utf8(int column)
    {
        var text = SqliteNative.ColumnText(_statement, column);
        return text == null ? default : new ReadOnlySpan<byte>(text, SqliteNative.ColumnBytes(_statement, column));
    }

    /// <summary>A text column of the current row as a string (copied), or null.</summary>
    public string? Text(int column)
    {
        var text = SqliteNative.ColumnText(_statement, column);
        return text == null ? null : Encoding.UTF8.GetString(text, SqliteNative.ColumnBytes(_statement, column));
    }

    /// <summary>Runs the statement and returns the first column of its first row as an integer.</summary>
    public long ExecuteScalar()
    {
        var result = SqliteNative.Step(_statement);
        var value = result == SqliteNative.Row ? SqliteNative.ColumnInt64(_statement, 0) : 0;
        while (result == SqliteNative.Row)
        {
            result = SqliteNative.Step(_statement);
        }

        SqliteNative.Reset(_statement);
        if (result != SqliteNative.Done)
        {
            Check(result);
        }

        return value;
    }

    public void Dispose()
    {
        if (_statement != IntPtr.Zero)
        {
            SqliteNative.Finalize(_statement);
            _statement = IntPtr.Zero;
        }
    }

    private static class NativeMemoryHolder
    {
        public static readonly IntPtr Empty = System.Runtime.InteropServices.Marshal.AllocHGlobal(1);
    }

    private void Check(int result)
    {
        if (result != SqliteNative.Ok)
        {
            throw new SqliteException(SqliteNative.Message(_connection.Handle), result, SqliteNative.ExtendedErrorCode(_connection.Handle));
        }
    }
}
