using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace Intake.Core.Records;

/// <summary>
/// The 64-bit fingerprint of a record key (XxHash64 of the key fields, NUL-separated, the timestamp as 8
/// little-endian bytes). Stores may lead their key with it for locality; it is stable across processes.
/// </summary>
public static class RecordKeyHash
{
    /// <summary>
    /// Hashes the key laid out in <paramref name="scratch"/> (grown when a key does not fit) in one call: XxHash64 in one
    /// shot gives the same value as appending the fields one by one, at a fraction of the cost per record.
    /// </summary>
    public static ulong Compute(ref byte[] scratch, RecordKind kind, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id,
        ReadOnlySpan<byte> targetId, long timestamp)
    {
        var interaction = kind == RecordKind.Interaction;
        var length = type.Length + 1 + id.Length + (interaction ? 1 + targetId.Length + sizeof(long) : 0);
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, scratch.Length * 2)];
        }

        var key = scratch.AsSpan(0, length);
        type.CopyTo(key);
        var at = type.Length;
        key[at++] = 0;
        id.CopyTo(key[at..]);
        at += id.Length;
        if (interaction)
        {
            key[at++] = 0;
            targetId.CopyTo(key[at..]);
            at += targetId.Length;
            Unsafe.WriteUnaligned(ref key[at], timestamp);
        }

        return XxHash64.HashToUInt64(key);
    }

    public static ulong Entity(string type, string id)
    {
        var scratch = Array.Empty<byte>();
        return Compute(ref scratch, RecordKind.Entity, System.Text.Encoding.UTF8.GetBytes(type), System.Text.Encoding.UTF8.GetBytes(id), default, 0);
    }
}
