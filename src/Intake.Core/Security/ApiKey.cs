namespace Intake.Core.Security;

/// <summary>
/// An API key as stored: never its secret, only <see cref="Verifier"/>, the SHA-256 of the secret. The verifier is
/// also the HMAC key of signed requests (see <see cref="RequestSignature"/>), so a leaked store allows forging
/// signatures but not presenting the key as a bearer secret.
/// </summary>
public sealed record ApiKey(string Id, string Name, ApiKeyScopes Scopes, bool Signed, byte[] Verifier, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
