using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Security;

/// <summary>
/// Creates keys and authenticates requests with them (DESIGN.md 5): a bearer secret, or an HMAC signature over
/// the request with a timestamp and a one-time nonce. A key created with <c>signed</c> accepts only signatures.
/// Thread-safe.
/// </summary>
public sealed class ApiKeyService(IKeyStore keys, IOptions<SecurityOptions> options, TimeProvider time)
{
    private const string SecretPrefix = "ik_";

    /// <summary>Nonces are stored until their window passes; a cap keeps a client from filling the store with them.</summary>
    public const int MaxNonceLength = 128;

    /// <summary>True when no master key is configured: keys are optional, and the server must stay on loopback.</summary>
    public bool DevelopmentMode => string.IsNullOrEmpty(options.Value.MasterKey);

    /// <summary>Creates a key; the secret is returned once and never stored.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, ApiKeyScopes scopes, bool signed, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, "A key needs a name.");
        }

        var id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = $"{SecretPrefix}{id}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        var key = new ApiKey(id, name.Trim(), scopes, signed, RequestSignature.SigningKey(secret), time.GetUtcNow(), null);
        await keys.CreateKeyAsync(key, cancellationToken);
        return (key, secret);
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => keys.ListKeysAsync(cancellationToken);

    /// <summary>Revokes a key; <c>key_not_found</c> (404) when there is no such key or it was revoked already.</summary>
    public async Task RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeKeyAsync(id, time.GetUtcNow(), cancellationToken))
        {
            var key = await keys.GetKeyAsync(id, cancellationToken);
            throw new IntakeException(ErrorCodes.KeyNotFound,
                key is null ? $"Key '{id}' does not exist." : $"Key '{id}' was revoked already, at {key.RevokedAt:O}.");
        }
    }

    /// <summary>Authenticates a presented secret (a bearer token or an <c>Auth-Api-Token</c>).</summary>
    public async Task<AuthResult> AuthenticateSecretAsync(string secret, CancellationToken cancellationToken)
    {
        var master = options.Value.MasterKey;
        if (!string.IsNullOrEmpty(master) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(master)))
        {
            return AuthResult.Master;
        }

        var key = await FindBySecretAsync(secret, cancellationToken);
        if (key is null)
        {
            return AuthResult.Refused(ErrorCodes.KeyUnknown, "The key is not known.");
        }

        if (key.RevokedAt is not null)
        {
            return AuthResult.Refused(ErrorCodes.KeyRevoked, $"Key '{key.Id}' was revoked.");
        }

        return key.Signed
            ? AuthResult.Refused(ErrorCodes.SignatureRequired, $"Key '{key.Id}' requires signed requests; send its id, a timestamp, a nonce and the signature instead of the secret.")
            : AuthResult.Key(key);
    }

    /// <summary>
    /// Authenticates a signed request. The cheap checks come first (the key, the nonce's shape, the timestamp), and
    /// only then is <paramref name="hashBody"/> called, so a request naming an unknown key or an old timestamp never
    /// costs a read of its body (#14). The nonce is spent only when everything else holds.
    /// </summary>
    /// <param name="hashBody">Returns the lowercase hex SHA-256 of the request body; called at most once.</param>
    public async Task<AuthResult> AuthenticateSignatureAsync(SignedRequest request, Func<CancellationToken, ValueTask<string>> hashBody,
        CancellationToken cancellationToken)
    {
        var key = await keys.GetKeyAsync(request.KeyId, cancellationToken);
        if (key is null)
        {
            return AuthResult.Refused(ErrorCodes.KeyUnknown, $"Key '{request.KeyId}' is not known.");
        }

        if (key.RevokedAt is not null)
        {
            return AuthResult.Refused(ErrorCodes.KeyRevoked, $"Key '{key.Id}' was revoked.");
        }

        if (string.IsNullOrEmpty(request.Nonce) || request.Nonce.Length > MaxNonceLength)
        {
            return AuthResult.Refused(ErrorCodes.NonceInvalid, $"The nonce must be 1 to {MaxNonceLength} characters, fresh for every request.");
        }

        var window = TimeSpan.FromSeconds(options.Value.SignatureWindowSeconds);
        var now = time.GetUtcNow();
        if (!long.TryParse(request.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) ||
            milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ||
            (now - DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)).Duration() > window)
        {
            return AuthResult.Refused(ErrorCodes.TimestampOutOfRange,
                $"The timestamp must be epoch milliseconds within {window.TotalSeconds:N0} s of the server's clock ({now.ToUnixTimeMilliseconds()}).");
        }

        var bodyHash = await hashBody(cancellationToken);
        if (!RequestSignature.Matches(key.Verifier, request.Method, request.PathAndQuery, request.Timestamp, request.Nonce, bodyHash, request.Signature))
        {
            return AuthResult.Refused(ErrorCodes.SignatureInvalid,
                "The signature does not match: HMAC-SHA256, keyed with the SHA-256 of the key's secret, over METHOD\\npath-and-query\\ntimestamp\\nnonce\\nhex SHA-256 of the body.");
        }

        if (!await keys.UseNonceAsync(key.Id, request.Nonce, now + (2 * window), now, cancellationToken))
        {
            return AuthResult.Refused(ErrorCodes.NonceReused, $"Nonce '{request.Nonce}' was used before with this key; use a new one for every request.");
        }

        return AuthResult.Key(key);
    }

    private async Task<ApiKey?> FindBySecretAsync(string secret, CancellationToken cancellationToken)
    {
        // A secret is ik_<id>_<random>: the id finds the key, the hash proves the secret.
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var separator = secret.IndexOf('_', SecretPrefix.Length + "key_".Length);
        if (separator < 0)
        {
            return null;
        }

        var key = await keys.GetKeyAsync(secret[SecretPrefix.Length..separator], cancellationToken);
        return key is not null && CryptographicOperations.FixedTimeEquals(key.Verifier, RequestSignature.SigningKey(secret)) ? key : null;
    }
}
