using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Intake.Core.Memory;

namespace Intake.Core.Quality;

/// <summary>
/// Counts occurrences of ids by their 64-bit hash, up to 127 each (the report asks only for at least 1, 2 and 5),
/// in an open-addressing table of 8-byte slots: the hash's low byte is replaced by the count, so a slot holds
/// both (a hash collision in the other 56 bits is one chance in 7·10^16 per pair). Holds at most
/// <see cref="Capacity"/> ids, so memory stays bounded (32 MiB at most); past that <see cref="Overflowed"/> is set
/// and ids not seen before are no longer tracked. Not thread-safe.
/// </summary>
public sealed class IdTally
{
    /// <summary>The most distinct ids tracked.</summary>
    public const int Capacity = 2_000_000;

    // A slot is the hash with its low byte replaced: 7 bits of count, 1 bit of membership (AddAndCheck).
    private const ulong CountMask = 0x7F;
    private const ulong MemberBit = 0x80;

    private ulong[] _slots = new ulong[1024];
    private int _count;

    public int Count => _count;

    /// <summary>The memory its table holds.</summary>
    public long Bytes => _slots.Length * (long)sizeof(ulong);

    public bool Overflowed { get; private set; }

    /// <summary>The hash ids are kept by (xxHash3 of the id's UTF-8 bytes).</summary>
    public static ulong Hash(ReadOnlySpan<byte> id) => System.IO.Hashing.XxHash3.HashToUInt64(id);

    /// <summary>Counts one occurrence of an id given as UTF-8.</summary>
    public int AddId(ReadOnlySpan<byte> utf8) => Add(Hash(utf8));

    /// <summary>Counts one occurrence of an id given as a string (stores that cannot hand over bytes).</summary>
    public int AddId(string id)
    {
        Span<byte> stack = stackalloc byte[256];
        var utf8 = System.Text.Encoding.UTF8.GetMaxByteCount(id.Length) <= stack.Length ? stack : new byte[System.Text.Encoding.UTF8.GetMaxByteCount(id.Length)];
        return AddId(utf8[..System.Text.Encoding.UTF8.GetBytes(id, utf8)]);
    }

    /// <summary>Counts one occurrence; returns the id's count so far (0 when it could not be tracked).</summary>
    public int Add(ulong hash) => (int)(Tally(hash, null, out _) & CountMask);

    /// <summary>
    /// Counts one occurrence and returns whether <paramref name="members"/> holds the id, asking it only the first
    /// time the id is seen and keeping the answer in the id's slot: an interaction load asks the big table of entity
    /// ids once per distinct user or item instead of twice per event.
    /// </summary>
    public bool AddAndCheck(ulong hash, IdTally members)
    {
        Tally(hash, members, out var member);
        return member;
    }

    private ulong Tally(ulong hash, IdTally? members, out bool member)
    {
        var key = Key(hash);
        var mask = _slots.Length - 1;
        for (var i = (int)(key >> 8) & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == 0)
            {
                member = members?.Contains(hash) ?? false;
                if (_count >= Capacity)
                {
                    Overflowed = true;
                    return 0;
                }

                _slots[i] = key | 1 | (member ? MemberBit : 0);
                if (++_count * 2 > _slots.Length)
                {
                    Grow();
                }

                return 1;
            }

            if ((slot & ~0xFFUL) == key)
            {
                if ((slot & CountMask) < CountMask)
                {
                    _slots[i] = ++slot;
                }

                member = (slot & MemberBit) != 0;
                return slot;
            }
        }
    }

    /// <summary>
    /// Asks the processor to fetch the slot where <paramref name="hash"/> starts probing, ahead of its
    /// <see cref="Add(ulong)"/>: a table of a few megabytes lives out of cache, and a load's report tallied two ids
    /// per event at the cost of a memory round trip each. A hint only: a slot that moved meanwhile costs nothing.
    /// </summary>
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            var index = (int)(Key(hash) >> 8) & (_slots.Length - 1);
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), index)));
        }
    }

    public bool Contains(ulong hash) => CountOf(hash) > 0;

    public int CountOf(ulong hash)
    {
        var key = Key(hash);
        var mask = _slots.Length - 1;
        for (var i = (int)(key >> 8) & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == 0)
            {
                return 0;
            }

            if ((slot & ~0xFFUL) == key)
            {
                return (int)(slot & CountMask);
            }
        }
    }

    /// <summary>How many ids were counted at least <paramref name="times"/> times.</summary>
    public long AtLeast(int times)
    {
        var n = 0L;
        foreach (var slot in _slots)
        {
            if (slot != 0 && (int)(slot & CountMask) >= times)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Every id hash held (with its low byte cleared), for checking them against another tally.</summary>
    public IEnumerable<ulong> Keys()
    {
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                yield return slot & ~0xFFUL;
            }
        }
    }

    /// <summary>
    /// Adds every id <paramref name="other"/> holds, once each (the counts of this tally then mean nothing: it is for
    /// membership). False when either tally overflowed, so the union misses ids.
    /// </summary>
    public bool UnionWith(IdTally other)
    {
        if (other.Overflowed)
        {
            return false;
        }

        // An empty tally takes the other's size at once; one that holds ids may share many of the other's, and grows as it must.
        if (_count == 0)
        {
            EnsureCapacity(other._count);
        }

        foreach (var slot in other._slots)
        {
            if (slot != 0)
            {
                Add(slot & ~0xFFUL);
            }
        }

        return !Overflowed;
    }

    /// <summary>A tally holding every id the tallies hold, once each (for membership); overflowed if any of them did or the union would.</summary>
    public static IdTally Union(IReadOnlyCollection<IdTally> tallies)
    {
        var union = new IdTally();
        union.EnsureCapacity(tallies.Sum(tally => (long)tally.Count));
        foreach (var tally in tallies)
        {
            if (!union.UnionWith(tally))
            {
                union.Overflowed = true;
            }
        }

        return union;
    }

    /// <summary>The slot key of a hash: its low byte cleared for the count, and never zero (zero is an empty slot).</summary>
    private static ulong Key(ulong hash)
    {
        var key = hash & ~0xFFUL;
        return key == 0 ? 0x100UL : key;
    }

    /// <summary>
    /// Makes room for <paramref name="ids"/> distinct ids in all (at most <see cref="Capacity"/>) in one step, so that adding
    /// them does not grow the table by doubling: each doubling rehashes every id and writes into fresh memory.
    /// </summary>
    public void EnsureCapacity(long ids)
    {
        var length = _slots.Length;
        while (length < 2 * Math.Min(ids, Capacity) + 2)
        {
            length *= 2;
        }

        if (length > _slots.Length)
        {
            Rehash(length);
        }
    }

    private void Grow() => Rehash(_slots.Length * 2);

    private void Rehash(int length)
    {
        var old = _slots;
        _slots = HugePages.NewArray<ulong>(length);
        var mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot == 0)
            {
                continue;
            }

            var i = (int)(slot >> 8) & mask;
            while (_slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _slots[i] = slot;
        }
    }
}
