using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Intake.Core.Memory;

namespace Intake.Storage.Sqlite.Native;

/// <summary>
/// Gives SQLite's page caches one buffer of huge pages for the process (<c>SQLITE_CONFIG_PAGECACHE</c>), the size of
/// one load's cache and 16 MiB for the readers' caches. With pages from <c>malloc</c>, each page a load appended was
/// zeroed in fresh memory, faulted in 4 KiB at a time: a 500,000-entity load took 7,000 faults there, and its reading
/// phase 0.77-0.80 s against 0.59-0.62 s with the buffer (ADR 2, round ten). The buffer is resident from the start
/// (SQLite writes a link into every slot), which is the memory a load's cache took anyway while it ran. It also bounds
/// the caches together: when it is nearly used up, a cache reuses its own oldest pages instead of growing (SQLite's
/// "memory pressure"), and takes pages from <c>malloc</c> only when it has none to reuse; a load's speed hardly
/// depends on its cache past a few MiB (8 to 96 MiB measured alike, ADR 2, round six).
/// Configured once, before SQLite starts in the process; if it started already (another component opened a database
/// first), SQLite refuses, and keeps its own allocator. Linux only: elsewhere there are no huge pages to gain, and the
/// variadic call is not portable (<see cref="SqliteNative.Config(int, void*, int, int)"/>).
/// </summary>
internal static unsafe class SqlitePageCache
{
    // Beside one load's cache, room for the readers' small caches (2 MiB each at most).
    private const int ReaderMegabytes = 16;
    private static readonly Lock Gate = new();
    private static bool s_tried;
    private static byte[]? s_buffer;

    /// <summary>Whether SQLite took the buffer.</summary>
    public static bool Configured => Volatile.Read(ref s_buffer) is not null;

    /// <summary>The most slots of the buffer in use at once since the last call (which starts counting again).</summary>
    public static long SlotsUsedAtMost()
    {
        long current, highWater;
        return SqliteNative.Status(SqliteNative.StatusPageCacheUsed, &current, &highWater, reset: 1) == SqliteNative.Ok ? highWater : 0;
    }

    public static void Configure(int pageSize, int loadCacheMegabytes)
    {
        lock (Gate)
        {
            if (s_tried || !OperatingSystem.IsLinux())
            {
                return;
            }

            s_tried = true;
            int header;
            if (SqliteNative.Config(SqliteNative.ConfigPageCacheHeaderSize, &header) != SqliteNative.Ok)
            {
                return;
            }

            var slotSize = (pageSize + header + 7) & ~7;
            var slots = (int)((loadCacheMegabytes + ReaderMegabytes) * (1L << 20) / slotSize);

            // Pinned and kept for the life of the process: SQLite keeps its address.
            var buffer = HugePages.NewPinnedUninitializedArray<byte>(slots * slotSize);
            if (SqliteNative.Config(SqliteNative.ConfigPageCache, Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)), slotSize, slots) == SqliteNative.Ok)
            {
                s_buffer = buffer;
            }
        }
    }
}
