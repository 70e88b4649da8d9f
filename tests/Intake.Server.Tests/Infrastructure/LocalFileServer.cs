using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 serving fixed files, for URL imports (HttpListener, no ASP.NET host).
/// A path starting with <c>/slow</c> answers after <see cref="SlowDelay"/>, to keep a fetch busy.
/// </summary>
public sealed class LocalFileServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _loop;
    private readonly int _port;

    private LocalFileServer(Dictionary<string, string> files)
    {
        _files = files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value));
        _port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public static Task<LocalFileServer> StartAsync(Dictionary<string, string> files) => Task.FromResult(new LocalFileServer(files));

    public static TimeSpan SlowDelay { get; } = TimeSpan.FromSeconds(3);

    public string Url(string path) => $"http://127.0.0.1:{_port}{path}";

    /// <summary>The size in bytes of the file served at <paramref name="path"/>.</summary>
    public long Length(string path) => _files[path].Length;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopped while waiting for a request.
        }
        catch (ObjectDisposedException)
        {
            // Closed while waiting for a request.
        }
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
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path.StartsWith("/slow", StringComparison.Ordinal))
            {
                await Task.Delay(SlowDelay);
            }

            if (_files.TryGetValue(path, out var body))
            {
                context.Response.ContentType = path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/csv";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                context.Response.StatusCode = 404;
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
