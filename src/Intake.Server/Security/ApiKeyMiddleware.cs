using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Security;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Intake.Server.Security;

/// <summary>
/// Authenticates every request (DESIGN.md 5) and checks the endpoint's scope. Credentials, in order: a signed
/// request (<c>X-Intake-Key/-Timestamp/-Nonce/-Signature</c>, or the table-batch API's <c>X-Sherpa-apikey/-timestamp/
/// -nonce/-hmac</c>), then a secret (<c>Authorization: Bearer</c>, or the bulk-write API's <c>Auth-Api-Token</c>).
/// Without a master key (development mode) a request may carry none, and credentials naming no known key are
/// ignored; credentials naming a known key are always checked, so a key created with <c>signed</c> is never
/// accepted unsigned. A PUT to an upload's capability URL without a key is authenticated by its token
/// (<see cref="UploadTokens"/>). An address that keeps failing is refused before it is authenticated (<see cref="AuthFailureLimiter"/>).
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyService keys, UploadTokens uploadTokens, AuthFailureLimiter failures,
    IOptions<LimitsOptions> limits)
{
    private const int MemoryBufferBytes = 1 << 20;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context);
            return;
        }

        var address = IntakeRateLimiting.ClientAddress(context);
        if (failures.RetryAfter(address) is { } wait)
        {
            await IntakeRateLimiting.WriteRejectedAsync(context, wait, "Too many failed authentications from this address");
            return;
        }

        var result = await AuthenticateAsync(context);
        if (!result.Succeeded)
        {
            failures.Failed(address);
            await Problems.WriteAsync(context, result.FailureCode!, result.Message!);
            return;
        }

        var required = endpoint?.Metadata.GetMetadata<RequiredScope>()?.Scope
            ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? ApiKeyScopes.Read : ApiKeyScopes.Write);
        if (!result.Scopes.HasFlag(required))
        {
            await Problems.WriteAsync(context, ErrorCodes.Forbidden,
                $"Key '{result.KeyId}' has the scopes [{string.Join(", ", result.Scopes.ToWire())}]; this needs {string.Join("", required.ToWire())}.");
            return;
        }

        context.Items[typeof(AuthResult)] = result;
        await next(context);
    }

    private async Task<AuthResult> AuthenticateAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var cancellationToken = context.RequestAborted;
        AuthResult? result = null;
        if (SignedHeaders(headers, "X-Intake-Key", "X-Intake-Timestamp", "X-Intake-Nonce", "X-Intake-Signature") is { } intake)
        {
            result = await VerifySignatureAsync(context, intake);
        }
        else if (SignedHeaders(headers, "X-Sherpa-apikey", "X-Sherpa-timestamp", "X-Sherpa-nonce", "X-Sherpa-hmac") is { } sherpa)
        {
            result = await VerifySignatureAsync(context, sherpa);
        }
        else if (Secret(headers) is { } secret)
        {
            result = await keys.AuthenticateSecretAsync(secret, cancellationToken);
        }
        else if (UploadToken(context) is { } token)
        {
            // A presented token is always checked, in development mode too: a bad one is refused, never ignored.
            return await uploadTokens.VerifyAsync((string)context.Request.RouteValues["id"]!, token, cancellationToken);
        }

        if (keys.DevelopmentMode && (result is null || result.FailureCode == ErrorCodes.KeyUnknown))
        {
            return AuthResult.Development;
        }

        return result ?? AuthResult.Missing;
    }

    private async Task<AuthResult> VerifySignatureAsync(HttpContext context, (string Key, string Timestamp, string Nonce, string Signature) presented)
    {
        var request = context.Request;
        return await keys.AuthenticateSignatureAsync(
            new SignedRequest(presented.Key, presented.Timestamp, presented.Nonce, presented.Signature, request.Method,
                request.Path.ToUriComponent() + request.QueryString.ToUriComponent()),
            _ => HashBodyAsync(request),
            context.RequestAborted);
    }

    /// <summary>
    /// Hashes the body for the signature and rewinds it for the endpoint. A large body is buffered to a temporary
    /// file (not memory) up to the file limit, so a signed upload costs one extra pass over the disk.
    /// </summary>
    private async ValueTask<string> HashBodyAsync(HttpRequest request)
    {
        request.EnableBuffering(MemoryBufferBytes, limits.Value.MaxFileBytes);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static (string, string, string, string)? SignedHeaders(IHeaderDictionary headers, string key, string timestamp, string nonce, string signature) =>
        headers.TryGetValue(key, out var id) && headers.TryGetValue(signature, out var hmac)
            ? (id.ToString(), headers[timestamp].ToString(), headers[nonce].ToString(), hmac.ToString())
            : null;

    /// <summary>The upload token of a request to an upload's capability URL that presents no key.</summary>
    private static string? UploadToken(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<UploadCapability>() is not null &&
        context.Request.Query.TryGetValue(UploadCapability.TokenParameter, out var token) && context.Request.RouteValues.ContainsKey("id")
            ? token.ToString()
            : null;

    private static string? Secret(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return headers.TryGetValue("Auth-Api-Token", out var token) ? token.ToString() : null;
    }
}
