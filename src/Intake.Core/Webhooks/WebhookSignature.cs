using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Intake.Core.Webhooks;

/// <summary>
/// The signature of a delivery: lowercase hex HMAC-SHA256, keyed with the webhook's secret, over
/// <c>{timestamp}.{body}</c> (the <c>Intake-Webhook-Timestamp</c> header, a dot, the raw body), sent as
/// <c>Intake-Webhook-Signature: v1={hex}</c>.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "Intake-Webhook-Id";
    public const string EventHeader = "Intake-Webhook-Event";
    public const string AttemptHeader = "Intake-Webhook-Attempt";
    public const string TimestampHeader = "Intake-Webhook-Timestamp";
    public const string SignatureHeader = "Intake-Webhook-Signature";

    public static string Sign(string secret, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>A new secret: 32 random bytes, base64url, prefixed so it is recognisable in a config file.</summary>
    public static string NewSecret() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
