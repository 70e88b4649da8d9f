using System.Security.Cryptography;
using System.Text;

namespace Intake.Core.Security;

/// <summary>
/// The request-signing scheme (DESIGN.md 5): lowercase hex HMAC-SHA256 over
/// <c>METHOD \n path-and-query \n timestamp \n nonce \n hex SHA-256 of the body</c>, keyed with the SHA-256 of
/// the key's secret (the only form of the secret the server keeps).
/// </summary>
public static class RequestSignature
{
    public static byte[] SigningKey(string secret) => Intake.Security.SignatureFormula.SigningKey(secret);

    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public static string Compute(byte[] signingKey, string method, string pathAndQuery, string timestamp, string nonce, string bodyHashHex) =>
        Intake.Security.SignatureFormula.Sign(signingKey, method, pathAndQuery, timestamp, nonce, bodyHashHex);

    public static bool Matches(byte[] signingKey, string method, string pathAndQuery, string timestamp, string nonce, string bodyHashHex, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(signingKey, method, pathAndQuery, timestamp, nonce, bodyHashHex));
        var actual = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
