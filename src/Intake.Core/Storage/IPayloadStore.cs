namespace Intake.Core.Storage;

/// <summary>
/// Where uploaded and fetched files are staged until their load is done (and for retention after).
/// A payload exists only once its writer is committed.
/// </summary>
public interface IPayloadStore
{
    Task<IPayloadWriter> CreateAsync(CancellationToken cancellationToken);

    /// <summary>Opens a committed payload; the caller disposes the stream.</summary>
    Task<Stream> OpenReadAsync(string payloadId, CancellationToken cancellationToken);

    Task<long> GetLengthAsync(string payloadId, CancellationToken cancellationToken);

    Task DeleteAsync(string payloadId, CancellationToken cancellationToken);
}

/// <summary>A payload being written. Disposing without <see cref="CommitAsync"/> deletes what was written.</summary>
public interface IPayloadWriter : IAsyncDisposable
{
    string PayloadId { get; }

    Stream Stream { get; }

    /// <summary>Makes the payload durable and visible; returns its length in bytes.</summary>
    Task<long> CommitAsync(CancellationToken cancellationToken);
}
