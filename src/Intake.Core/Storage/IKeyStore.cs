using Intake.Core.Security;

namespace Intake.Core.Storage;

/// <summary>API keys, the nonces of signed requests and the server's own secrets. Thread-safe.</summary>
public interface IKeyStore
{
    Task CreateKeyAsync(ApiKey key, CancellationToken cancellationToken);

    Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; false if there is no such key or it was revoked already.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records a nonce of a signed request until <paramref name="expiresAt"/>; false when the key used it before
    /// (a replay). Expired nonces may be forgotten.
    /// </summary>
    Task<bool> UseNonceAsync(string keyId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The server secret named <paramref name="name"/>: <paramref name="candidate"/> if none was stored yet (it is
    /// stored), else the stored one, so every node and every restart on one store agrees.
    /// </summary>
    Task<byte[]> GetOrCreateSecretAsync(string name, byte[] candidate, DateTimeOffset now, CancellationToken cancellationToken);
}
