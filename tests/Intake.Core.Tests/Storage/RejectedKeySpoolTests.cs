using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Tests.Storage;

public sealed class RejectedKeySpoolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"intake-spool-test-{Guid.NewGuid():N}");

    [Fact]
    public void Keys_past_what_is_kept_in_memory_go_to_a_file_and_come_back_in_order_then_the_file_is_deleted()
    {
        var keys = Enumerable.Range(0, 10_000)
            .Select(i => i % 3 == 0 ? new RejectedKey("view", $"u{i}", $"ïtem {i}", -i * 1000L) : new RejectedKey("p", $"id-{i}", null, null))
            .ToList();

        using (var spool = new RejectedKeySpool(_directory))
        {
            spool.Add(keys.Take(2500).ToList());
            spool.Add(keys.Skip(2500).ToList());

            Assert.Equal(keys.Count, spool.Count);
            Assert.Single(Directory.GetFiles(_directory));
            Assert.Equal(keys, spool.Read().ToList());
        }

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_few_keys_stay_in_memory()
    {
        using var spool = new RejectedKeySpool(_directory);
        spool.Add([new RejectedKey("p", "a", null, null)]);

        Assert.Equal([new RejectedKey("p", "a", null, null)], spool.Read().ToList());
        Assert.False(Directory.Exists(_directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
