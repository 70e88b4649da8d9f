using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Intake.Core.Tests.Imports;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that answers each request with a script, so a test can misbehave the way
/// a hostile server would (drip bytes forever, never answer, redirect anywhere, act as a proxy). Records every
/// request line it receives.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, Stream, CancellationToken, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="respond">Writes the response to the request whose request line is given; the connection closes after it.</param>
    public ScriptedHttpServer(Func<string, Stream, CancellationToken, Task> respond)
    {
        _respond = respond;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<string> RequestLines { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>A complete response with a body and a length.</summary>
    public static async Task WriteAsync(Stream stream, string status, string body, string headers = "", CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: text/csv\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n{headers}\r\n"), cancellationToken);
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>A redirect to <paramref name="location"/>.</summary>
    public static Task RedirectAsync(Stream stream, string location, CancellationToken cancellationToken) =>
        WriteAsync(stream, "302 Found", "", $"Location: {location}\r\n", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a connection.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var head = await ReadHeadAsync(stream, _stop.Token);
                var requestLine = head[..head.IndexOf('\r', StringComparison.Ordinal)];
                RequestLines.Enqueue(requestLine);
                await _respond(requestLine, stream, _stop.Token);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
            {
                // The client went away (a fetch that gave up), or the server is stopping.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                throw new IOException("The client closed the connection before the end of its request head.");
            }

            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }
}
