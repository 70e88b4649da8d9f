using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Security;

/// <summary>
/// The tokens that make an upload's URL a capability (DESIGN.md 3), like a pre-signed storage URL: a PUT that
/// carries its upload's token needs no key. A token is <c>base64url(upload|key|expiry).base64url(HMAC-SHA256)</c>,
/// keyed with a server secret kept in the store (so every node and restart agrees), and binds the upload, the
/// key that created it (which must still be live) and an expiry; it is good while the upload has not received
/// its file, which happens once. Thread-safe.
/// </summary>
public sealed class UploadTokens(IKeyStore keys, IJobStore jobs, IOptions<SecurityOptions> security, IOptions<UploadTokenOptions> options,
    TimeProvider time)
{
    private const string SecretName = "upload_tokens";
    private byte[]? _secret;

    /// <summary>A token for <paramref name="uploadId"/>, created by <paramref name="keyId"/> (null in development mode without a key).</summary>
    public async Task<string> IssueAsync(string uploadId, string? keyId, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow().AddSeconds(options.Value.TokenLifetimeSeconds).ToUnixTimeSeconds();
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{uploadId}|{keyId}|{expires}"));
        var mac = HMACSHA256.HashData(await SecretAsync(cancellationToken), payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>
    /// Who may PUT the file of <paramref name="uploadId"/> with <paramref name="token"/>: the creating key with
    /// the <c>write</c> scope, or a refusal with <c>upload_token_invalid</c> (malformed or altered),
    /// <c>upload_token_mismatch</c> (another upload's), <c>upload_token_expired</c>, <c>key_revoked</c> (its key
    /// was revoked since), <c>upload_not_found</c> or <c>upload_token_used</c> (the upload has its file already).
    /// </summary>
    public async Task<AuthResult> VerifyAsync(string uploadId, string token, CancellationToken cancellationToken)
    {
        if (!TryRead(token, await SecretAsync(cancellationToken), out var tokenUpload, out var keyId, out var expires))
        {
            return AuthResult.Refused(ErrorCodes.UploadTokenInvalid,
                "The upload token is malformed or was altered; use the url returned by POST /v1/uploads exactly as it is.");
        }

        if (!string.Equals(tokenUpload, uploadId, StringComparison.Ordinal))
        {
            return AuthResult.Refused(ErrorCodes.UploadTokenMismatch, $"The token is for another upload, not '{uploadId}'; use that upload's own url.");
        }

        if (time.GetUtcNow() > expires)
        {
            return AuthResult.Refused(ErrorCodes.UploadTokenExpired, $"The upload's token expired at {expires:O}; create a new upload (POST /v1/uploads).");
        }

        if (keyId.Length == 0 && !string.IsNullOrEmpty(security.Value.MasterKey))
        {
            return AuthResult.Refused(ErrorCodes.UploadTokenInvalid, "The token was issued without a key, before a master key was configured; create a new upload.");
        }

        if (keyId.Length > 0 && keyId != AuthResult.Master.KeyId && await keys.GetKeyAsync(keyId, cancellationToken) is not { RevokedAt: null })
        {
            return AuthResult.Refused(ErrorCodes.KeyRevoked, $"Key '{keyId}', which created this upload, was revoked; its upload URLs no longer work.");
        }

        var upload = await jobs.GetImportAsync(uploadId, cancellationToken);
        if (upload is null)
        {
            return AuthResult.Refused(ErrorCodes.UploadNotFound, $"Upload '{uploadId}' does not exist any more.");
        }

        return upload.FileUploadJobId is not null
            ? AuthResult.Refused(ErrorCodes.UploadTokenUsed, $"Upload '{uploadId}' has received its file already; its url is good for one PUT. Create a new upload.")
            : new AuthResult(ApiKeyScopes.Write, keyId.Length == 0 ? null : keyId, null, null);
    }

    private static bool TryRead(string token, byte[] secret, out string uploadId, out string keyId, out DateTimeOffset expires)
    {
        (uploadId, keyId, expires) = ("", "", default);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 1024 || !Base64Url.IsValid(token.AsSpan(0, dot)) || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return false;
        }

        var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, payload), Base64Url.DecodeFromChars(token.AsSpan(dot + 1))))
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        (uploadId, keyId, expires) = (parts[0], parts[1], DateTimeOffset.FromUnixTimeSeconds(seconds));
        return true;
    }

    // Two nodes racing here both store-or-read the same row, so they end with the same secret.
    private async Task<byte[]> SecretAsync(CancellationToken cancellationToken) =>
        _secret ??= await keys.GetOrCreateSecretAsync(SecretName, RandomNumberGenerator.GetBytes(32), time.GetUtcNow(), cancellationToken);
}
