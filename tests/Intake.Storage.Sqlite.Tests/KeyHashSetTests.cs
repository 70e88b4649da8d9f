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
