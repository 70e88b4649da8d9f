namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The key hashes of the entities a load wrote while its file was read, to tell a repeat in the file from a new
/// key without asking SQLite. Open addressing over one array of hashes (8 bytes a key at most half full), so a
/// million keys take 16 MiB; the caller bounds how many it adds. Not thread-safe.
/// </summary>
internal sealed class KeyHashSet
{
    // A random odd multiplier per set spreads the hashes over the slots by all their bits (multiplicative
    // hashing), so keys chosen to share low bits cannot pile up into one long probe sequence.
    private readonly ulong _multiplier = (ulong)Random.Shared.NextInt64() | 1;
    private ulong[] _slots = new ulong[1 << 14];
    private int _shift = 64 - 14;
    private bool _hasZero;

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="hash"/>; false if it was there already.</summary>
    public bool Add(ulong hash)
    {
        if (hash == 0)
        {
            // 0 marks an empty slot, so the zero hash is kept apart.
            var added = !_hasZero;
            _hasZero = true;
            Count += added ? 1 : 0;
            return added;
        }

        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        if (!Insert(_slots, _shift, hash))
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>Whether <paramref name="hash"/> was added.</summary>
    public bool Contains(ulong hash)
    {
        if (hash == 0)
        {
            return _hasZero;
        }

        var mask = _slots.Length - 1;
        for (var i = (int)((hash * _multiplier) >> _shift); ; i = (i + 1) & mask)
        {
            if (_slots[i] == hash)
            {
                return true;
            }

            if (_slots[i] == 0)
            {
                return false;
            }
        }
    }

    private bool Insert(ulong[] slots, int shift, ulong hash)
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
                return true;
            }
        }
    }

    private void Grow()
    {
        var larger = new ulong[_slots.Length * 2];
        foreach (var hash in _slots)
        {
            if (hash != 0)
            {
                Insert(larger, _shift - 1, hash);
            }
        }

        _slots = larger;
        _shift--;
    }
}
