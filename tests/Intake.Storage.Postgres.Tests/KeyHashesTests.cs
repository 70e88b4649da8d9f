using Intake.Storage.Postgres.Loading;

namespace Intake.Storage.Postgres.Tests;

public sealed class KeyHashesTests
{
    [Fact]
    public void Tells_whether_a_hash_repeats_until_it_holds_too_many_to_know()
    {
        var distinct = new KeyHashes(capacity: 1000);
        var repeated = new KeyHashes(capacity: 1000);
        var overflowed = new KeyHashes(capacity: 1000);
        for (var i = 0UL; i < 1000; i++)
        {
            distinct.Add(i * 0x9E37_79B9_7F4A_7C15UL);
            repeated.Add(i == 999 ? 17 : i);
            overflowed.Add(i);
        }

        overflowed.Add(5000);

        Assert.False(distinct.AnyRepeated());
        Assert.True(repeated.AnyRepeated());
        Assert.Null(overflowed.AnyRepeated());
    }
}
