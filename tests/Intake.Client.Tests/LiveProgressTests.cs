using System.Net;
using System.Text;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Client.Tests;

/// <summary>
/// How an <see cref="ImportOperation"/> follows an import: the server's live stream, a resume with
/// <c>Last-Event-ID</c> when the connection drops, and polling against a server that has no stream. The network
/// between client and the real server is a handler that can drop a stream or hide the route, as a proxy or an
/// older server would.
/// </summary>
public sealed class LiveProgressTests(SqliteServerFactory factory) : IClassFixture<SqliteServerFactory>
{
    [Fact]
    public async Task The_live_stream_is_followed_and_a_dropped_connection_resumes_with_last_event_id()
    {
        var cancellationToken = ServerFixture.Timeout();
        var network = new Network { DropEventsAfterBytes = 400 };
        using var client = new IntakeClient(ServerFixture.AddressOf(factory), options: new IntakeClientOptions { Transport = network });
        await client.Datasets.CreateAsync("live-resume", "Live", cancellationToken: cancellationToken);
        var snapshots = new ServerFixture.Recorder<ImportProgress>();

        var operation = await client.Imports.StartImportAsync("live-resume", new MemoryStream(ServerFixture.Entities(50_000)), cancellationToken: cancellationToken);
        var result = await operation.WaitForCompletionAsync(snapshots, cancellationToken);

        Assert.Equal(50_000, result.RecordsWritten);
        Assert.True(operation.LiveEventsRead > 0);
        Assert.True(network.EventRequests.Count >= 2, $"expected a reconnect, saw {network.EventRequests.Count} stream requests");
        Assert.Null(network.EventRequests[0]);
        Assert.All(network.EventRequests.Skip(1), id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(ImportStatus.Completed, snapshots.Values[^1].Status);
    }

    [Fact]
    public async Task Without_the_live_stream_the_operation_polls_to_the_end()
    {
        var cancellationToken = ServerFixture.Timeout();
        var network = new Network { HideEvents = true };
        using var client = new IntakeClient(ServerFixture.AddressOf(factory), options: new IntakeClientOptions { Transport = network });
        await client.Datasets.CreateAsync("live-poll", "Poll", cancellationToken: cancellationToken);
        var snapshots = new ServerFixture.Recorder<ImportProgress>();

        var operation = await client.Imports.StartImportAsync("live-poll", new MemoryStream(ServerFixture.Entities(20_000)), cancellationToken: cancellationToken);
        var result = await operation.WaitForCompletionAsync(snapshots, cancellationToken);

        Assert.Equal(20_000, result.RecordsWritten);
        Assert.Equal(0, operation.LiveEventsRead);
        Assert.Single(network.EventRequests);
        Assert.Equal(ImportStatus.Completed, snapshots.Values[^1].Status);
    }

    [Fact]
    public async Task Following_an_unknown_import_is_import_not_found_not_a_fallback()
    {
        using var client = ServerFixture.ClientOf(factory);

        var missing = await Assert.ThrowsAsync<IntakeRequestException>(
            () => client.Imports.GetOperation("no-such-import").WaitForCompletionAsync(cancellationToken: ServerFixture.Timeout()));

        Assert.Equal((404, IntakeErrorCode.ImportNotFound), (missing.Status, missing.Code));
    }

    /// <summary>Sockets to the real server, with two faults on the events route: a hidden route, or a stream cut short.</summary>
    private sealed class Network : DelegatingHandler
    {
        public Network()
            : base(new SocketsHttpHandler())
        {
        }

        public bool HideEvents { get; init; }

        public int? DropEventsAfterBytes { get; init; }

        /// <summary>The <c>Last-Event-ID</c> of each request for the events route (null when absent).</summary>
        public List<string?> EventRequests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/events", StringComparison.Ordinal))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            lock (EventRequests)
            {
                EventRequests.Add(request.Headers.TryGetValues("Last-Event-ID", out var ids) ? ids.Single() : null);
            }

            if (HideEvents)
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound)
                {
                    Content = new StringContent("""{"status":404,"code":"route_not_found","detail":"No endpoint answers this path."}""",
                        Encoding.UTF8, "application/problem+json"),
                };
            }

            var response = await base.SendAsync(request, cancellationToken);
            bool first;
            lock (EventRequests)
            {
                first = EventRequests.Count == 1;
            }

            if (first && DropEventsAfterBytes is { } limit && response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var headers = response.Content.Headers.ToList();
                response.Content = new StreamContent(new CutStream(body, limit));
                foreach (var (name, values) in headers)
                {
                    response.Content.Headers.TryAddWithoutValidation(name, values);
                }
            }

            return response;
        }
    }

    /// <summary>A response body that fails like a reset connection once <paramref name="limit"/> bytes have been read.</summary>
    private sealed class CutStream(Stream inner, int limit) : Stream
    {
        private int _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= limit)
            {
                throw new IOException("The connection was reset (test network).");
            }

            var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, limit - _read)], cancellationToken);
            _read += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
