using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace Intake.Core.Records;

/// <summary>
/// The 64-bit fingerprint of a record key (XxHash64 of the key fields, NUL-separated, the timestamp as 8
/// little-endian bytes). Stores may lead their key with it for locality; it is stable across processes.
/// </summary>
public static class RecordKeyHash
{
    public static ulong Compute(XxHash64 hasher, RecordKind kind, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id,
        ReadOnlySpan<byte> targetId, long timestamp)
    {
        ReadOnlySpan<byte> separator = [0];
        hasher.Reset();
        hasher.Append(type);
        hasher.Append(separator);
        hasher.Append(id);
        if (kind == RecordKind.Interaction)
        {
            hasher.Append(separator);
            hasher.Append(targetId);
            Span<byte> time = stackalloc byte[sizeof(long)];
            Unsafe.WriteUnaligned(ref time[0], timestamp);
            hasher.Append(time);
        }

        return hasher.GetCurrentHashAsUInt64();
    }

    public static ulong Entity(string type, string id) =>
        Compute(new XxHash64(), RecordKind.Entity, System.Text.Encoding.UTF8.GetBytes(type), System.Text.Encoding.UTF8.GetBytes(id), default, 0);
}
