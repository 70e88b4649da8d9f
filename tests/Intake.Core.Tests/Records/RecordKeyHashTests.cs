using System.IO.Hashing;
using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

/// <summary>
/// Stores keep the key hash on disk, so it must never change: the values of two keys are pinned, and on generated keys
/// (empty, multi-byte and keys longer than the scratch buffer) the one-shot hash equals XxHash64 fed field by field.
/// </summary>
public sealed class RecordKeyHashTests
{
    [Fact]
    public void The_hash_of_a_key_is_the_one_stores_have_kept()
    {
        var scratch = new byte[4];
        Assert.Equal(1994094365476472225UL, RecordKeyHash.Compute(ref scratch, RecordKind.Interaction, "view"u8, "user_000001"u8, "item_000002"u8, 1704067200123L));
        Assert.Equal(15062347828664805673UL, RecordKeyHash.Compute(ref scratch, RecordKind.Entity, "product"u8, "sku-0000001"u8, default, 0));
        Assert.Equal(15062347828664805673UL, RecordKeyHash.Entity("product", "sku-0000001"));
    }

    [Fact]
    public void The_one_shot_hash_equals_xxhash64_appended_field_by_field()
    {
        var field = Gen.Elements("", "a", "é", "日本", "😀", "user_000001", new string('x', 300), new string('y', 2000));
        var keys = from type in field
                   from id in field
                   from target in field
                   from timestamp in Gen.Choose(int.MinValue, int.MaxValue)
                   from interaction in Gen.Elements(true, false)
                   select (type, id, target, timestamp * 1000L, interaction);
        var scratch = new byte[16];
        var property = Prop.ForAll(keys.ToArbitrary(), key =>
        {
            var (type, id, target, timestamp, interaction) = key;
            var kind = interaction ? RecordKind.Interaction : RecordKind.Entity;
            var typeBytes = System.Text.Encoding.UTF8.GetBytes(type);
            var idBytes = System.Text.Encoding.UTF8.GetBytes(id);
            var targetBytes = System.Text.Encoding.UTF8.GetBytes(target);
            return RecordKeyHash.Compute(ref scratch, kind, typeBytes, idBytes, targetBytes, timestamp) ==
                   Streamed(interaction, typeBytes, idBytes, targetBytes, timestamp);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true), property);
    }

    private static ulong Streamed(bool interaction, byte[] type, byte[] id, byte[] target, long timestamp)
    {
        var hasher = new XxHash64();
        hasher.Append(type);
        hasher.Append([0]);
        hasher.Append(id);
        if (interaction)
        {
            hasher.Append([0]);
            hasher.Append(target);
            var time = new byte[sizeof(long)];
            Unsafe.WriteUnaligned(ref time[0], timestamp);
            hasher.Append(time);
        }

        return hasher.GetCurrentHashAsUInt64();
    }
}
