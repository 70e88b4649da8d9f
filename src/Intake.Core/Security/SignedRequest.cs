namespace Intake.Core.Security;

/// <summary>What a signed request presents, whatever its headers are called (X-Intake-* or X-Sherpa-*); its body is hashed only on demand.</summary>
public sealed record SignedRequest(string KeyId, string Timestamp, string Nonce, string Signature, string Method, string PathAndQuery);
