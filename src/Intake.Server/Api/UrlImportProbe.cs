using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Server.Api.Contracts;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Intake.Server.Api;

/// <summary>
/// Tells a URL import (<c>application/json</c> holding one small object with a <c>url</c>) from a JSON file
/// upload. Only JSON bodies up to 64 KiB are looked at; a JSON data file is an array or NDJSON, so an object
/// with a url is never mistaken for data. A URL import's fields are those of <see cref="UrlImportRequest"/>; any
/// other is refused. When the body is not a URL request, the bytes read are given back in front of the rest.
/// </summary>
internal static class UrlImportProbe
{
    private const int MaxProbeBytes = 64 * 1024;

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
        if (length < MaxProbeBytes && NamesUrl(bytes.Span))
        {
            return (Parse(bytes.Span, request.HttpContext), null);
        }

        return (null, new PrefixedStream(bytes, request.Body));
    }

    private static UrlImportRequest Parse(ReadOnlySpan<byte> json, HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        UrlImportRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<UrlImportRequest>(json, options);
        }
        catch (JsonException exception)
        {
            throw BodyErrors.Describe(typeof(UrlImportRequest), options, exception, UnknownParameters.Describe(context, context.GetEndpoint()));
        }

        return string.IsNullOrWhiteSpace(request?.Url)
            ? throw new IntakeException(ErrorCodes.InvalidRequest, "The url of the file to fetch is empty.")
            : request;
    }

    /// <summary>Whether the body is one JSON object with a top-level <c>url</c> property.</summary>
    private static bool NamesUrl(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (string.Equals(reader.GetString(), "url", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON, or more than one value: a data file, not a URL request.
        }

        return false;
    }
}
