using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Intake.Security;

namespace Intake.Client;

/// <summary>
/// Presents an API key on every request, as docs/security.md specifies: <c>Authorization: Bearer</c>, or the
/// signed headers <c>X-Intake-Key</c>, <c>X-Intake-Timestamp</c> (epoch ms), <c>X-Intake-Nonce</c> and
/// <c>X-Intake-Signature</c> (HMAC-SHA256, keyed with the SHA-256 of the secret, over
/// <c>METHOD \n path-and-query \n timestamp \n nonce \n hex SHA-256 of the body</c>).
/// </summary>
/// <remarks>
/// A signature needs the body's hash before the body is sent. An upload from a seekable stream is hashed and
/// rewound; one from a stream that cannot seek is first copied to a temporary file (deleted when the request is
/// disposed), never buffered in memory; any other content is small and buffered. Thread-safe.
/// </remarks>
public sealed class IntakeAuthenticationHandler : DelegatingHandler
{
    private readonly IntakeKeyCredential _credential;
    private readonly IntakeSigning _signing;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> unless a factory does.</summary>
    public IntakeAuthenticationHandler(IntakeKeyCredential credential, IntakeSigning signing = IntakeSigning.Auto, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = credential;
        _signing = signing;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var secret = _credential.Secret;
        var keyId = _credential.KeyId;
        var sign = _signing switch
        {
            IntakeSigning.Bearer => false,
            IntakeSigning.Signed => keyId is not null ? true : throw new InvalidOperationException(
                "Only a key issued by Intake (ik_key_…) can sign requests; send the master key as a bearer token (IntakeSigning.Bearer)."),
            _ => keyId is not null,
        };

        if (!sign)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var bodyHash = await BodyHashAsync(request, cancellationToken).ConfigureAwait(false);
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        var signature = SignatureFormula.Sign(SignatureFormula.SigningKey(secret), request.Method.Method, pathAndQuery, timestamp, nonce, bodyHash);
        request.Headers.Remove("Authorization");
        request.Headers.Add("X-Intake-Key", keyId);
        request.Headers.Add("X-Intake-Timestamp", timestamp);
        request.Headers.Add("X-Intake-Nonce", nonce);
        request.Headers.Add("X-Intake-Signature", signature);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> BodyHashAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        switch (request.Content)
        {
            case null:
                return Convert.ToHexStringLower(SHA256.HashData(ReadOnlySpan<byte>.Empty));
            case UploadContent upload:
                return await upload.HashAsync(cancellationToken).ConfigureAwait(false);
            default:
                // JSON bodies of a few hundred bytes: buffering them is what HttpClient does anyway.
                var bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                return Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
    }
}
