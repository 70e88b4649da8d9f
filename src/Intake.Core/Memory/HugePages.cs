using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Intake.Core.Memory;

/// <summary>
/// Arrays for tables a load fills at random places (hash tables of keys and ids, SQLite's page cache), advised to
/// the kernel as transparent huge pages on Linux (<c>madvise(MADV_HUGEPAGE)</c>, which takes effect where
/// <c>/sys/kernel/mm/transparent_hugepage/enabled</c> is <c>madvise</c>, the usual default, or <c>always</c>). Fresh
/// memory is faulted in a page at a time on first touch, and on the paravirtualized machines the bench runs on a
/// fault costs about 12 µs: 16 MiB touched took 50-60 ms on 4 KiB pages and 1.5-2 ms on 2 MiB ones, and a
/// 500,000-entity load took 27,000 faults, 1.9 s of the server's CPU (ADR 2, round ten). Only the 2 MiB-aligned
/// stretches inside an array can be huge pages, so arrays under 4 MiB are left as they are. Elsewhere, or where the
/// kernel refuses the advice, they are ordinary arrays.
/// </summary>
public static unsafe partial class HugePages
{
    private const nuint Size = 2 << 20;
    private const int AdviseHugePage = 14;
    private static bool s_unavailable;

    /// <summary>A zeroed array of <paramref name="length"/> items.</summary>
    public static T[] NewArray<T>(int length) where T : unmanaged => NewArray<T>(length, pinned: false, zeroed: true);

    /// <summary>
    /// A pinned array that the caller writes before it reads (so that only what it uses is touched), for native code
    /// that keeps its address.
    /// </summary>
    public static T[] NewPinnedUninitializedArray<T>(int length) where T : unmanaged => NewArray<T>(length, pinned: true, zeroed: false);

    private static T[] NewArray<T>(int length, bool pinned, bool zeroed) where T : unmanaged
    {
        var bytes = (nuint)length * (nuint)sizeof(T);
        if (bytes < 2 * Size || !OperatingSystem.IsLinux() || s_unavailable)
        {
            return pinned ? GC.AllocateArray<T>(length, pinned: true) : new T[length];
        }

        // Uninitialized, so that the runtime does not touch fresh memory before the advice; zeroed after it.
        var array = GC.AllocateUninitializedArray<T>(length, pinned);
        Advise(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)), bytes);
        if (zeroed)
        {
            Array.Clear(array);
        }

        return array;
    }

    private static void Advise(void* start, nuint bytes)
    {
        // Not moved meanwhile: arrays this large live on the large object heap, which is not compacted unless asked,
        // and if it were, the advice belongs to the address range, not the array, and only costs what it gains.
        var first = ((nuint)start + Size - 1) & ~(Size - 1);
        var end = ((nuint)start + bytes) & ~(Size - 1);
        try
        {
            // A refusal (a kernel without huge pages) leaves ordinary pages, which is all this asks for.
            _ = Madvise((void*)first, end - first, AdviseHugePage);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* start, nuint length, int advice);
}
