using System.Numerics;

namespace Intake.Core.Quality;

/// <summary>
/// A HyperLogLog distinct-count estimate (Flajolet et al. 2007) over 64-bit hashes, with 2^12 one-byte registers
/// (4 KiB): standard error 1.04/√4096 ≈ 1.6%, and exact-ish below about 10,000 values, where linear counting
/// takes over. No library on the package mirror offers one; this is the textbook algorithm with the 64-bit hash
/// that needs no large-range correction. Not thread-safe.
/// </summary>
public sealed class HyperLogLog
{
    private const int Precision = 12;
    private const int Registers = 1 << Precision;
    private readonly byte[] _registers = new byte[Registers];

    /// <summary>The documented relative standard error of <see cref="Estimate"/>.</summary>
    public const double StandardError = 0.0163;

    public void Add(ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << Precision) | (1UL << (Precision - 1))) + 1);
        if (rank > _registers[index])
        {
            _registers[index] = rank;
        }
    }

    public long Estimate()
    {
        var sum = 0.0;
        var zeros = 0;
        foreach (var register in _registers)
        {
            sum += 1.0 / (1UL << register);
            if (register == 0)
            {
                zeros++;
            }
        }

        const double alpha = 0.7213 / (1 + (1.079 / Registers));
        var raw = alpha * Registers * Registers / sum;
        return (long)Math.Round(raw <= 2.5 * Registers && zeros > 0 ? Registers * Math.Log((double)Registers / zeros) : raw);
    }
}
