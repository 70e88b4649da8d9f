using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Imports;

/// <summary>
/// The body of a fetched response, read with an idle timeout: <c>HttpClient.Timeout</c> does not cover the
/// body, so without this a server that drips bytes (or none) would hold a worker for as long as it likes.
/// A stall or a broken connection surfaces as <c>fetch_failed</c>. Owns <paramref name="inner"/>.
/// </summary>
internal sealed class FetchBodyStream(Stream inner, TimeSpan idleTimeout, Uri uri) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            return await inner.ReadAsync(buffer, idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} stalled: no data arrived for {idleTimeout.TotalSeconds:N0} s.");
        }
        catch (IOException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} broke off: {exception.Message}");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
