using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Security;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>Requests that present a key: a bearer secret, or the signed headers (native or table-batch names).</summary>
public static class KeyedRequests
{
    public static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? secret, string? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Creates a key with the master key; returns the 201 body (with <c>id</c> and <c>secret</c>).</summary>
    public static async Task<JsonObject> CreateKeyAsync(HttpClient http, string masterKey, string name, string[] scopes, bool signed = false)
    {
        using var response = await SendAsync(http, HttpMethod.Post, "/v1/keys", masterKey, System.Text.Json.JsonSerializer.Serialize(new { name, scopes, signed }));
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Adds the signature headers for <paramref name="signedBody"/> (which may differ from what is sent, to test a mismatch).</summary>
    public static void Sign(HttpRequestMessage request, string keyId, string secret, string timestamp, string nonce, byte[] signedBody, bool sherpa = false,
        string? signature = null)
    {
        signature ??= RequestSignature.Compute(RequestSignature.SigningKey(secret), request.Method.Method, request.RequestUri!.OriginalString, timestamp, nonce,
            RequestSignature.BodyHash(signedBody));
        var prefix = sherpa ? "X-Sherpa-" : "X-Intake-";
        request.Headers.Add(prefix + (sherpa ? "apikey" : "Key"), keyId);
        request.Headers.Add(prefix + (sherpa ? "timestamp" : "Timestamp"), timestamp);
        request.Headers.Add(prefix + (sherpa ? "nonce" : "Nonce"), nonce);
        request.Headers.Add(prefix + (sherpa ? "hmac" : "Signature"), signature);
    }
}
