using Intake.Core.Memory;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The key hashes of the entities a load wrote while its file was read, each with the row it was written to, to tell a
/// repeat in the file from a new key without asking SQLite, and to find the row a repeat overwrites while the key index
/// is dropped. Open addressing over an array of hashes and one of rows (12 bytes a slot, at most half full: 24 bytes a
/// key), so a million keys take 24 MiB; the caller bounds how many it adds. Grown into <see cref="HugePages"/> arrays: the
/// table is touched all over, and on 4 KiB pages the faults of its growth were a fifth of a 500,000-entity load's.
/// Not thread-safe.
/// </summary>
internal sealed class KeyHashSet
{
    // A random odd multiplier per set spreads the hashes over the slots by all their bits (multiplicative
    // hashing), so keys chosen to share low bits cannot pile up into one long probe sequence.
    private readonly ulong _multiplier = (ulong)Random.Shared.NextInt64() | 1;
    private ulong[] _slots = new ulong[1 << 14];
    private int[] _rows = new int[1 << 14];
    private int _shift = 64 - 14;
    private bool _hasZero;
    private int _zeroRow;

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="hash"/>, written to <paramref name="row"/>; false (and the row unchanged) if it was there already.</summary>
    public bool Add(ulong hash, int row = 0)
    {
        if (hash == 0)
        {
            // 0 marks an empty slot, so the zero hash is kept apart.
            if (_hasZero)
            {
                return false;
            }

            (_hasZero, _zeroRow) = (true, row);
            Count++;
            return true;
        }

        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        if (!Insert(_slots, _rows, _shift, hash, row))
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>Whether <paramref name="hash"/> was added.</summary>
    public bool Contains(ulong hash) => TryGetRow(hash, out _);

    /// <summary>The row <paramref name="hash"/> was added with, if it was added.</summary>
    public bool TryGetRow(ulong hash, out int row)
    {
        if (hash == 0)
        {
            row = _zeroRow;
            return _hasZero;
        }

        var mask = _slots.Length - 1;
        for (var i = (int)((hash * _multiplier) >> _shift); ; i = (i + 1) & mask)
        {
            if (_slots[i] == hash)
            {
                row = _rows[i];
                return true;
            }

            if (_slots[i] == 0)
            {
                row = 0;
                return false;
            }
        }
    }

    private bool Insert(ulong[] slots, int[] rows, int shift, ulong hash, int row)
    {
        var mask = slots.Length - 1;
        for (var i = (int)((hash * _multiplier) >> shift); ; i = (i + 1) & mask)
        {
            if (slots[i] == hash)
            {
                return false;
            }

            if (slots[i] == 0)
            {
                slots[i] = hash;
                rows[i] = row;
                return true;
            }
        }
    }

    private void Grow()
    {
        var larger = HugePages.NewArray<ulong>(_slots.Length * 2);
        var rows = HugePages.NewArray<int>(_slots.Length * 2);
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] != 0)
            {
                Insert(larger, rows, _shift - 1, _slots[i], _rows[i]);
            }
        }

        (_slots, _rows) = (larger, rows);
        _shift--;
    }
}
