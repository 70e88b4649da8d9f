namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// The key hashes of a load's interactions, to tell at the end whether any repeats: sorting a few million
/// numbers here takes a fraction of what the same question costs the database. Past <see cref="Capacity"/>
/// hashes (32 MiB) it stops collecting, to keep memory bounded, and the database is asked instead.
/// </summary>
internal sealed class KeyHashes(int capacity = KeyHashes.Capacity)
{
    public const int Capacity = 4 << 20;

    private ulong[] _hashes = new ulong[Math.Min(1 << 16, capacity)];
    private int _count;
    private bool _overflowed;

    public void Add(ulong hash)
    {
        if (_overflowed)
        {
            return;
        }

        if (_count == _hashes.Length)
        {
            if (_count == capacity)
            {
                _overflowed = true;
                _hashes = [];
                return;
            }

            Array.Resize(ref _hashes, Math.Min(_count * 2, capacity));
        }

        _hashes[_count++] = hash;
    }

    /// <summary>True if a hash repeats (a repeated key, or rarely two keys with one hash), false if none does, null when not known.</summary>
    public bool? AnyRepeated()
    {
        if (_overflowed)
        {
            return null;
        }

        var hashes = _hashes.AsSpan(0, _count);
        hashes.Sort();
        for (var i = 1; i < hashes.Length; i++)
        {
            if (hashes[i] == hashes[i - 1])
            {
                return true;
            }
        }

        return false;
    }
}
