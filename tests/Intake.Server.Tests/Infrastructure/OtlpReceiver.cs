using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>One span as an OTLP collector received it.</summary>
public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 (HttpListener, no ASP.NET host): accepts <c>/v1/traces</c> and
/// <c>/v1/metrics</c> in protobuf, decodes the spans (the wire format read directly, from the field numbers of
/// opentelemetry/proto/trace/v1/trace.proto) and keeps the metric requests' bytes.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }

        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The collector's base URL, as <c>Telemetry:OtlpEndpoint</c> takes it.</summary>
    public string Url { get; }

    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToList();

    /// <summary>Requests to any other path than the two signals' (an exporter configured wrongly).</summary>
    public IReadOnlyList<string> Refused => _refused.ToList();

    /// <summary>Whether a metrics export mentioned <paramref name="name"/> (an instrument's name is a plain string in the message).</summary>
    public bool MetricsMention(string name)
    {
        var needle = Encoding.UTF8.GetBytes(name);
        return _metrics.Any(body => body.AsSpan().IndexOf(needle) >= 0);
    }

    public async Task WaitForAsync(Func<OtlpReceiver, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The collector got {_spans.Count} spans ({string.Join(", ", Spans.Select(s => s.Name).Distinct())}), " +
                    $"{_metrics.Count} metric exports, refused: {string.Join(", ", Refused)}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Stopped while waiting for a request.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            var body = new MemoryStream();
            Stream input = context.Request.InputStream;
            if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
            {
                input = new GZipStream(input, CompressionMode.Decompress);
            }

            await input.CopyToAsync(body);
            var bytes = body.ToArray();
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/v1/traces":
                    foreach (var span in DecodeTraces(bytes))
                    {
                        _spans.Enqueue(span);
                    }

                    break;
                case "/v1/metrics":
                    _metrics.Enqueue(bytes);
                    break;
                default:
                    _refused.Enqueue(context.Request.Url.AbsolutePath);
                    context.Response.StatusCode = 404;
                    break;
            }

            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.scope_spans = 2; ScopeSpans.spans = 2;
    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, attributes = 9 (KeyValue: key = 1, value = 2;
    // AnyValue: string_value = 1; values of other types read as "").
    private static IEnumerable<ReceivedSpan> DecodeTraces(byte[] request) =>
        from resourceSpans in Fields(request, 1)
        from scopeSpans in Fields(resourceSpans, 2)
        from span in Fields(scopeSpans, 2)
        select DecodeSpan(span);

    private static ReceivedSpan DecodeSpan(byte[] span)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Fields(span, 9))
        {
            var key = Encoding.UTF8.GetString(Fields(pair, 1).Single());
            var value = Fields(pair, 2).SingleOrDefault();
            attributes[key] = value is null ? "" : Encoding.UTF8.GetString(Fields(value, 1).SingleOrDefault() ?? []);
        }

        string Hex(int field) => Convert.ToHexStringLower(Fields(span, field).SingleOrDefault() ?? []);
        return new ReceivedSpan(Hex(1), Hex(2), Hex(4), Encoding.UTF8.GetString(Fields(span, 5).Single()), attributes);
    }

    /// <summary>The length-delimited occurrences of <paramref name="number"/> in a message; other fields are skipped.</summary>
    private static List<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    if (field == number)
                    {
                        found.Add(message[position..(position + length)]);
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Protobuf wire type {wireType} at byte {position}.");
            }
        }

        return found;
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
