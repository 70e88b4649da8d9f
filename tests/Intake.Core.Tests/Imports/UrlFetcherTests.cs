using System.Text;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Intake.Core.Tests.Imports;

/// <summary>#14: URL fetches against real misbehaving servers on 127.0.0.1 (allowed by configuration, as in production tests).</summary>
public sealed class UrlFetcherTests
{
    private const string Csv = "id,type,name,metadata,media_url\nu1,p,fetched,,\n";

    [Fact]
    public async Task A_body_that_drips_forever_fails_at_the_overall_deadline()
    {
        await using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n"u8.ToArray(), stop);
            while (true)
            {
                await stream.WriteAsync("a"u8.ToArray(), stop);
                await Task.Delay(100, stop);
            }
        });
        using var fetcher = Fetcher(o => (o.TimeoutSeconds, o.ReadIdleTimeoutSeconds) = (2, 60));

        var failure = await FailAsync(fetcher, server.Url("/drip.csv"));

        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Contains("did not finish within 2 s", failure.Message);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_fails_at_the_idle_timeout()
    {
        await using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nid,type"u8.ToArray(), stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        using var fetcher = Fetcher(o => (o.TimeoutSeconds, o.ReadIdleTimeoutSeconds) = (600, 1));

        var failure = await FailAsync(fetcher, server.Url("/stall.csv"));

        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Contains("stalled", failure.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_at_the_idle_timeout()
    {
        await using var server = new ScriptedHttpServer((_, _, stop) => Task.Delay(Timeout.Infinite, stop));
        using var fetcher = Fetcher(o => (o.TimeoutSeconds, o.ReadIdleTimeoutSeconds) = (600, 1));

        var failure = await FailAsync(fetcher, server.Url("/silent.csv"));

        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Contains("no response within 1 s", failure.Message);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file.csv")]
    [InlineData("gopher://127.0.0.1:70/_GET")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:text/csv,id")]
    public async Task Only_http_and_https_redirects_are_followed(string location)
    {
        await using var server = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.RedirectAsync(stream, location, stop));
        using var fetcher = Fetcher();

        var failure = await FailAsync(fetcher, server.Url("/moved.csv"));

        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Contains("only http and https redirects are followed", failure.Message);
        Assert.Single(server.RequestLines);
    }

    [Theory]
    [InlineData("http://[::127.0.0.1]:9/file.csv")]
    [InlineData("http://[::ffff:10.0.0.1]:9/file.csv")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task A_redirect_to_a_refused_address_fails_the_fetch(string location)
    {
        await using var server = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.RedirectAsync(stream, location, stop));
        using var fetcher = Fetcher();

        var failure = await FailAsync(fetcher, server.Url("/moved.csv"));

        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Single(server.RequestLines);
    }

    [Fact]
    public async Task Redirects_are_followed_up_to_the_limit()
    {
        await using var server = new ScriptedHttpServer((line, stream, stop) =>
        {
            var hop = int.Parse(line.Split(' ')[1].TrimStart('/'), System.Globalization.CultureInfo.InvariantCulture);
            return hop == 0 ? ScriptedHttpServer.WriteAsync(stream, "200 OK", Csv, cancellationToken: stop) : ScriptedHttpServer.RedirectAsync(stream, $"/{hop - 1}", stop);
        });
        using var fetcher = Fetcher(o => o.MaxRedirects = 2);
        using var sink = new MemoryStream();

        var fetched = await fetcher.FetchAsync(server.Url("/2"), sink, 1 << 20, CancellationToken.None);
        var failure = await FailAsync(fetcher, server.Url("/3"));

        Assert.Equal(Csv, Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(Csv.Length, fetched.Length);
        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
        Assert.Contains("more than 2 times", failure.Message);
    }

    [Fact]
    public async Task A_configured_proxy_is_not_used_unless_opted_in()
    {
        await using var proxy = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.WriteAsync(stream, "200 OK", "via,proxy\n", cancellationToken: stop));
        await using var target = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.WriteAsync(stream, "200 OK", Csv, cancellationToken: stop));
        using var fetcher = Fetcher(o => o.Proxy = proxy.Url("/"));
        using var sink = new MemoryStream();

        await fetcher.FetchAsync(target.Url("/file.csv"), sink, 1 << 20, CancellationToken.None);

        Assert.Equal(Csv, Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Empty(proxy.RequestLines);
    }

    [Fact]
    public async Task Through_an_opted_in_proxy_the_policy_judges_the_target_not_the_proxy()
    {
        await using var proxy = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.WriteAsync(stream, "200 OK", Csv, cancellationToken: stop));

        // The proxy (127.0.0.1) is not in the allowed list; the target 127.0.0.2 is, and nothing listens there: only the proxy can answer.
        using var allowed = Fetcher(o => (o.AllowedAddresses, o.UseProxy, o.Proxy) = (["127.0.0.2"], true, proxy.Url("/")));
        using var sink = new MemoryStream();
        await allowed.FetchAsync("http://127.0.0.2:9/file.csv", sink, 1 << 20, CancellationToken.None);

        using var refusing = Fetcher(o => (o.AllowedAddresses, o.UseProxy, o.Proxy) = ([], true, proxy.Url("/")));
        var failure = await FailAsync(refusing, "http://localhost:9/file.csv");

        Assert.Equal(Csv, Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(["GET http://127.0.0.2:9/file.csv HTTP/1.1"], proxy.RequestLines);
        Assert.Equal(ErrorCodes.FetchFailed, failure.Code);
    }

    private static UrlFetcher Fetcher(Action<UrlImportOptions>? configure = null)
    {
        var options = new UrlImportOptions { AllowedAddresses = ["127.0.0.1"] };
        configure?.Invoke(options);
        return new UrlFetcher(Options.Create(options));
    }

    private static async Task<IntakeException> FailAsync(UrlFetcher fetcher, string url)
    {
        using var sink = new MemoryStream();
        return await Assert.ThrowsAsync<IntakeException>(() => fetcher.FetchAsync(url, sink, 1 << 20, CancellationToken.None));
    }
}
