using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Intake.Storage.Sqlite.Native;

/// <summary>
/// Direct calls into the bundled SQLite library for the bulk path. SQLitePCLRaw's span binding copies each
/// value (SQLITE_TRANSIENT) and every call takes a safe-handle reference; with millions of rows both show.
/// Binding with SQLITE_STATIC is safe here because values live in a pinned arena that outlives the step.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    public const int Ok = 0;
    public const int Row = 100;
    public const int Done = 101;
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x4;
    public const int OpenNoMutex = 0x8000;
    public const uint PreparePersistent = 0x1;

    public const int ConfigPageCache = 7;
    public const int ConfigPageCacheHeaderSize = 24;

    // sqlite3_config is variadic; these fixed forms pass their arguments where a variadic call passes them on the
    // Linux ABIs (x64 and arm64), the only place it is called (SqlitePageCache).
    [LibraryImport(Library, EntryPoint = "sqlite3_config")]
    public static partial int Config(int option, void* memory, int slotSize, int slots);

    [LibraryImport(Library, EntryPoint = "sqlite3_config")]
    public static partial int Config(int option, int* value);

    public const int StatusPageCacheUsed = 1;

    [LibraryImport(Library, EntryPoint = "sqlite3_status64")]
    public static partial int Status(int option, long* current, long* highWater, int reset);

    [LibraryImport(Library, EntryPoint = "sqlite3_open_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, out IntPtr db, int flags, IntPtr vfs);

    [LibraryImport(Library, EntryPoint = "sqlite3_close_v2")]
    public static partial int Close(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_prepare_v3")]
    public static partial int Prepare(IntPtr db, byte* sql, int length, uint flags, out IntPtr statement, IntPtr tail);

    [LibraryImport(Library, EntryPoint = "sqlite3_finalize")]
    public static partial int Finalize(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    public static partial int Step(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    [SuppressGCTransition]
    public static partial int Reset(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    [SuppressGCTransition]
    public static partial int BindInt64(IntPtr statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_double")]
    [SuppressGCTransition]
    public static partial int BindDouble(IntPtr statement, int index, double value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_null")]
    [SuppressGCTransition]
    public static partial int BindNull(IntPtr statement, int index);

    /// <summary>Binds UTF-8 text; a null destructor is SQLITE_STATIC: SQLite reads the caller's memory without copying.</summary>
    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text")]
    [SuppressGCTransition]
    public static partial int BindText(IntPtr statement, int index, byte* text, int length, IntPtr destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_clear_bindings")]
    [SuppressGCTransition]
    public static partial int ClearBindings(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_changes")]
    [SuppressGCTransition]
    public static partial int Changes(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    public static partial long ColumnInt64(IntPtr statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_last_insert_rowid")]
    [SuppressGCTransition]
    public static partial long LastInsertRowId(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_get_autocommit")]
    [SuppressGCTransition]
    public static partial int GetAutocommit(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_errmsg")]
    public static partial IntPtr ErrorMessage(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_extended_errcode")]
    [SuppressGCTransition]
    public static partial int ExtendedErrorCode(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_busy_timeout")]
    public static partial int BusyTimeout(IntPtr db, int milliseconds);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_double")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial double ColumnDouble(IntPtr statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial byte* ColumnText(IntPtr statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int ColumnBytes(IntPtr statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int ColumnType(IntPtr statement, int column);

    public const int NullColumn = 5;

    public static string Message(IntPtr db) => Marshal.PtrToStringUTF8(ErrorMessage(db)) ?? "unknown SQLite error";
}
