using System.Text.Json;
using Intake.Server.Api.Contracts;

namespace Intake.Server.Api;

/// <summary>
/// Tells a URL import (<c>application/json</c> holding one small object with a <c>url</c>) from a JSON file
/// upload. Only JSON bodies up to 64 KiB are looked at; a JSON data file is an array or NDJSON, so an object
/// with a url is never mistaken for data. When the body is not a URL request, the bytes read are given back
/// in front of the rest of the body.
/// </summary>
internal static class UrlImportProbe
{
    private const int MaxProbeBytes = 64 * 1024;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<(UrlImportRequest? Url, Stream? Body)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
            request.ContentLength > MaxProbeBytes)
        {
            return (null, null);
        }

        var head = new byte[MaxProbeBytes];
        var length = await request.Body.ReadAtLeastAsync(head, MaxProbeBytes, throwOnEndOfStream: false, cancellationToken);
        var bytes = head.AsMemory(0, length);
        if (length < MaxProbeBytes && TryParse(bytes.Span) is { } url)
        {
            return (url, null);
        }

        return (null, new PrefixedStream(bytes, request.Body));
    }

    private static UrlImportRequest? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var request = JsonSerializer.Deserialize<UrlImportRequest>(json, s_json);
            return string.IsNullOrWhiteSpace(request?.Url) ? null : request;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
