using System.Buffers;
using Intake.Core.Jobs;

namespace Intake.Core.Imports;

/// <summary>Copies a stream through one pooled buffer, stopping as soon as it exceeds a limit.</summary>
public static class StreamCopy
{
    /// <summary>Returns the bytes copied; throws <c>file_too_large</c> past <paramref name="maxBytes"/>.</summary>
    public static async Task<long> CopyWithLimitAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long total = 0;
            while (true)
            {
                var read = 0;
                int got;
                while (read < buffer.Length && (got = await source.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
                {
                    read += got;
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new IntakeException(ErrorCodes.FileTooLarge, $"The file is larger than the limit of {maxBytes} bytes.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
