using Intake.Storage.Sqlite.Loading;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>The set of key hashes a first entity load wrote early, which the merge asks about the records it staged.</summary>
public sealed class KeyHashSetTests
{
    [Fact]
    public void It_holds_exactly_the_hashes_added_across_its_growth_and_the_zero_hash()
    {
        var set = new KeyHashSet();
        var random = new Random(8);
        var added = new HashSet<ulong> { 0 };
        set.Add(0);
        while (added.Count < 100_000)
        {
            var hash = (ulong)random.NextInt64() << random.Next(0, 12);
            Assert.Equal(added.Add(hash), set.Add(hash));
        }

        Assert.Equal(added.Count, set.Count);
        Assert.All(added, hash => Assert.True(set.Contains(hash)));
        var absent = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var hash = (ulong)random.NextInt64() | 1UL << 63;
            if (!added.Contains(hash))
            {
                Assert.False(set.Contains(hash));
                absent++;
            }
        }

        Assert.True(absent > 99_000);
    }

    [Fact]
    public void Each_hash_keeps_the_row_it_was_first_added_with_across_its_growth()
    {
        var set = new KeyHashSet();
        var random = new Random(9);
        var rows = new Dictionary<ulong, int> { [0] = 7 };
        set.Add(0, 7);
        for (var row = 1; rows.Count < 50_000; row++)
        {
            var hash = (ulong)random.NextInt64() << random.Next(0, 12);
            Assert.Equal(rows.TryAdd(hash, row), set.Add(hash, row));
        }

        foreach (var (hash, row) in rows.Take(1_000))
        {
            Assert.False(set.Add(hash, -1));
        }

        Assert.All(rows, pair => Assert.True(set.TryGetRow(pair.Key, out var row) && row == pair.Value));
        const ulong Other = 1UL << 63 | 12345;
        Assert.Equal(rows.ContainsKey(Other), set.TryGetRow(Other, out _));
    }

    [Fact]
    public void An_empty_set_holds_nothing_not_even_zero()
    {
        var set = new KeyHashSet();

        Assert.False(set.Contains(0));
        Assert.False(set.Contains(42));
        Assert.True(set.Add(42));
        Assert.False(set.Add(42));
        Assert.False(set.Contains(0));
    }
}
