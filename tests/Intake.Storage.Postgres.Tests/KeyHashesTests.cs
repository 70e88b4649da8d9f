using Intake.Storage.Postgres.Loading;

namespace Intake.Storage.Postgres.Tests;

public sealed class KeyHashesTests
{
    [Fact]
    public void Tells_whether_a_hash_repeats_within_what_it_holds()
    {
        using var distinct = new KeyHashes(capacity: 1000);
        using var repeated = new KeyHashes(capacity: 1000);
        for (var i = 0UL; i < 1000; i++)
        {
            distinct.Add(i * 0x9E37_79B9_7F4A_7C15UL);
            repeated.Add(i == 999 ? 17 : i);
        }

        Assert.False(distinct.AnyRepeated());
        Assert.True(repeated.AnyRepeated());
    }

    [Theory]
    [InlineData(0, 3500, true)] // a repeat between the first spilled run and the hashes still held
    [InlineData(1500, 2500, true)] // between two spilled runs
    [InlineData(-1, -1, false)] // no repeat at all, across four runs
    public void Finds_a_repeat_across_the_runs_it_spilled_past_its_capacity(int original, int copy, bool expected)
    {
        // 4,000 hashes with a capacity of 1,000: three sorted runs on disk and one in memory, merged at the end.
        using var hashes = new KeyHashes(capacity: 1000);
        var values = Enumerable.Range(0, 4000).Select(i => (ulong)i * 0x9E37_79B9_7F4A_7C15UL).ToArray();
        if (original >= 0)
        {
            values[copy] = values[original];
        }

        foreach (var value in values)
        {
            hashes.Add(value);
        }

        Assert.Equal(expected, hashes.AnyRepeated());
    }
}
