using Intake.Core.Jobs;

namespace Intake.Core.Security;

/// <summary>Who a request is (a key, the master key, or nobody in development mode) and what it may do; or why it was refused.</summary>
public sealed record AuthResult(ApiKeyScopes Scopes, string? KeyId, string? FailureCode, string? Message)
{
    public bool Succeeded => FailureCode is null;

    public static AuthResult Key(ApiKey key) => new(key.Scopes, key.Id, null, null);

    public static AuthResult Master { get; } = new(ApiKeyScopes.All, "master", null, null);

    /// <summary>No key was presented and none is required (no master key configured).</summary>
    public static AuthResult Development { get; } = new(ApiKeyScopes.All, null, null, null);

    public static AuthResult Refused(string code, string message) => new(ApiKeyScopes.None, null, code, message);

    public static AuthResult Missing { get; } = Refused(ErrorCodes.Unauthorized,
        "A key is required: send Authorization: Bearer <key>, or sign the request (X-Intake-Key, -Timestamp, -Nonce, -Signature).");
}
