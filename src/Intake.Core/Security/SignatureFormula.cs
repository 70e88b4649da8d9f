using System.Security.Cryptography;
using System.Text;

namespace Intake.Security;

/// <summary>
/// The request-signing formula of docs/security.md, compiled into both the server's core (which verifies) and
/// the client library (which signs), so the two can never drift: lowercase hex HMAC-SHA256 over
/// <c>METHOD \n path-and-query \n timestamp \n nonce \n hex SHA-256 of the body</c>, keyed with the SHA-256 of the secret.
/// </summary>
internal static class SignatureFormula
{
    public static byte[] SigningKey(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string Sign(byte[] signingKey, string method, string pathAndQuery, string timestamp, string nonce, string bodyHashHex)
    {
        var text = $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{bodyHashHex}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(text)));
    }
}
