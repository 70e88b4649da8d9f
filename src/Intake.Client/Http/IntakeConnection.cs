using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>
/// The one <see cref="HttpClient"/> the sub-clients share, with the JSON conventions of the API and the mapping
/// of every refusal onto <see cref="IntakeRequestException"/>. Never changes the client it was given.
/// </summary>
internal sealed class IntakeConnection(HttpClient http, Uri baseAddress)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Uri BaseAddress => baseAddress;

    public Uri Resolve(string relative) => new(baseAddress, relative);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve(path));
        return await SendForJsonAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return await SendForJsonAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(path));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> SendForJsonAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw Unexpected(response, "The response body was empty.");
        }
        catch (JsonException exception)
        {
            throw Unexpected(response, $"The response is not the JSON expected: {exception.Message}");
        }
    }

    /// <summary>Sends the request; a non-success answer throws <see cref="IntakeRequestException"/> and is disposed.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new IntakeRequestException(0, IntakeErrorCode.ConnectionFailed,
                $"No answer from {baseAddress.GetLeftPart(UriPartial.Authority)}: {exception.Message}", innerException: exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the request and returns its body as it arrives; disposing the stream ends the response.</summary>
    public async Task<Stream> OpenStreamAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<T> StreamNdjsonAsync<T>(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve(path));
        var stream = await OpenStreamAsync(request, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var item in JsonSerializer.DeserializeAsyncEnumerable<T>(stream, topLevelValues: true, Json, cancellationToken).ConfigureAwait(false))
            {
                if (item is not null)
                {
                    yield return item;
                }
            }
        }
    }

    internal static async Task<IntakeRequestException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.Delta;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        if (IsJson(response.Content.Headers.ContentType))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                {
                    var message = Text(root, "detail") ?? Text(root, "title") ?? $"HTTP {status}";
                    var traceId = Text(root, "trace_id") ?? Text(root, "traceId");
                    return new IntakeRequestException(status, new IntakeErrorCode(code.GetString()!), message, traceId) { RetryAfter = retryAfter };
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all; reported as an unexpected response below.
            }
        }

        var excerpt = body.Length > 200 ? body[..200] + "…" : body;
        return new IntakeRequestException(status, IntakeErrorCode.UnexpectedResponse,
            $"HTTP {status} {response.ReasonPhrase} without a problem document{(excerpt.Length > 0 ? ": " + excerpt : ".")}") { RetryAfter = retryAfter };
    }

    private static IntakeRequestException Unexpected(HttpResponseMessage response, string message) =>
        new((int)response.StatusCode, IntakeErrorCode.UnexpectedResponse, message);

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
