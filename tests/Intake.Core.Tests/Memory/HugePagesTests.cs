using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Intake.Core.Memory;

namespace Intake.Core.Tests.Memory;

/// <summary>The arrays a load's hash tables and SQLite's page cache live in: zeroed where asked, and advised as huge pages on Linux.</summary>
public sealed class HugePagesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(3 << 20)]
    public void A_new_array_is_zeroed_and_holds_what_is_written_at_every_index(int length)
    {
        // Memory the collector hands out again after a large array died: the new one must not show its contents.
        var before = new ulong[length];
        Array.Fill(before, ulong.MaxValue);
        before = null;
        GC.Collect();

        var array = HugePages.NewArray<ulong>(length);

        Assert.Equal(length, array.Length);
        Assert.True(array.AsSpan().IndexOfAnyExcept(0UL) < 0);
        for (var i = 0; i < length; i++)
        {
            array[i] = (ulong)i * 31 + 7;
        }

        for (var i = 0; i < length; i++)
        {
            Assert.Equal((ulong)i * 31 + 7, array[i]);
        }
    }

    [Fact]
    public unsafe void On_linux_an_array_of_4_MiB_or_more_is_advised_as_huge_pages_pinned_or_not()
    {
        var large = HugePages.NewArray<ulong>(1 << 20);
        var pinned = HugePages.NewPinnedUninitializedArray<byte>(6 << 20);

        // A kernel built with transparent huge pages has this directory, whatever its setting; madvise marks the mapping either way.
        var offered = OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel/mm/transparent_hugepage");
        Assert.Equal(offered, OperatingSystem.IsLinux() && FlagsAtTheMiddleOf(large).Contains("hg"));
        Assert.Equal(offered, OperatingSystem.IsLinux() && FlagsAtTheMiddleOf(pinned).Contains("hg"));
        GC.KeepAlive(large);
        GC.KeepAlive(pinned);
    }

    // The VmFlags of the mapping (in /proc/self/smaps) that holds the array's middle, which is inside a 2 MiB stretch
    // of it ("hg": advised MADV_HUGEPAGE).
    private static unsafe string[] FlagsAtTheMiddleOf<T>(T[] array) where T : unmanaged
    {
        var address = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + (ulong)(array.Length * sizeof(T) / 2);
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, null, out var end))
            {
                inside = start <= address && address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        throw new InvalidOperationException($"No mapping holds 0x{address:x}.");
    }
}
