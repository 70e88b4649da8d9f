using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>One Server-Sent Event as the test client parsed it.</summary>
public sealed record ServerSentEvent(long Id, string Type, JsonObject Data)
{
    public string Status => (string)Data["status"]!;
}

/// <summary>
/// A minimal Server-Sent Events reader over a real HTTP response, as a browser's <c>fetch()</c> stream reader would
/// read it: fields per line, an event per blank line, comments (<c>: …</c>) counted and skipped.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>The last <c>retry:</c> field the server sent.</summary>
    public int? Retry { get; private set; }

    public int Comments { get; private set; }

    public static async Task<EventStream> OpenAsync(HttpClient http, string path, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId.Value.ToString(CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new HttpRequestException($"Expected 200 for {path} but got {(int)response.StatusCode}: {text}");
        }

        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null when the server ended the response.</summary>
    public async Task<ServerSentEvent?> NextAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        long? id = null;
        string? type = null;
        string? data = null;
        while (await _reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new ServerSentEvent(id ?? throw new InvalidDataException("An event without an id."), type ?? "message", JsonNode.Parse(data)!.AsObject());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
                case "retry": Retry = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new InvalidDataException($"Unknown field in the event stream: {line}");
            }
        }

        return null;
    }

    /// <summary>Every event until the server ends the response.</summary>
    public async Task<List<ServerSentEvent>> ReadToEndAsync()
    {
        var events = new List<ServerSentEvent>();
        while (await NextAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
