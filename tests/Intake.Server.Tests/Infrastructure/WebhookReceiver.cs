using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>One POST a webhook receiver got.</summary>
public sealed record ReceivedWebhook(string DeliveryId, string Event, int Attempt, long Timestamp, string Signature, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>Checks the signature the way a receiver would: HMAC-SHA256 with the secret over "{timestamp}.{body}".</summary>
    public bool IsSignedWith(string secret) =>
        Signature == "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(Timestamp.ToString(CultureInfo.InvariantCulture) + "." + Body)));
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (HttpListener, no ASP.NET host) that records every POST and answers what
/// <see cref="Respond"/> decides from the request and how many times its delivery id came before (0 the first time).
/// A negative answer hangs until the receiver is disposed or <see cref="ReleaseHung"/> is called.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _hung = new();
    private readonly Task _loop;

    public WebhookReceiver(Func<ReceivedWebhook, int, int>? respond = null)
    {
        Respond = respond ?? ((_, _) => 200);
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hooks";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public Func<ReceivedWebhook, int, int> Respond { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public void ReleaseHung() => _hung.Cancel();

    /// <summary>Waits until the receiver has got requests that satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!done(Received))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The receiver got only: " + string.Join("; ", Received.Select(r => $"{r.Event} {r.DeliveryId} #{r.Attempt}")));
            }

            await Task.Delay(25);
        }

        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _hung.CancelAsync();
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

        _hung.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var received = new ReceivedWebhook(headers["Intake-Webhook-Id"] ?? "", headers["Intake-Webhook-Event"] ?? "",
            int.Parse(headers["Intake-Webhook-Attempt"] ?? "0", CultureInfo.InvariantCulture),
            long.Parse(headers["Intake-Webhook-Timestamp"] ?? "0", CultureInfo.InvariantCulture), headers["Intake-Webhook-Signature"] ?? "", body);
        var before = _seen.AddOrUpdate(received.DeliveryId, 1, (_, count) => count + 1) - 1;
        _received.Enqueue(received);
        var status = Respond(received, before);
        try
        {
            if (status < 0)
            {
                await Task.Delay(Timeout.Infinite, _hung.Token);
            }
        }
        catch (OperationCanceledException)
        {
            status = 200;
        }

        try
        {
            context.Response.StatusCode = status;
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The sender gave up on a hung request and closed the connection.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
