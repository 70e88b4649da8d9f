using System.Net;
using System.Net.Http.Json;
using Intake.Core.Tests.Imports;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>#14 (8): URL imports from hostile servers fail cleanly with <c>fetch_failed</c> and change nothing.</summary>
public abstract class UrlImportHardeningTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["UrlImports:TimeoutSeconds"] = "5",
        ["UrlImports:ReadIdleTimeoutSeconds"] = "2",
    };

    private const string Csv = "id,type,name,metadata,media_url\nu1,p,first,,\n";

    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected UrlImportHardeningTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    public async Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        await _client.CreateDatasetAsync("fetched");
        Assert.Equal("completed", (string)(await _client.ImportAsync("fetched", Csv))["status"]!);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_body_that_drips_forever_fails_the_import_at_the_deadline_and_changes_nothing()
    {
        await using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\nid,type,name,metadata,media_url\n"u8.ToArray(), stop);
            for (var i = 0; ; i++)
            {
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"d{i},p,drip,,\n"), stop);
                // Far more often than the idle timeout, so only the deadline can end it, even on a loaded machine.
                await Task.Delay(100, stop);
            }
        });

        var done = await ImportFromAsync(server.Url("/drip.csv"));

        Assert.Equal(("failed", "fetch_failed"), ((string)done["status"]!, (string)done["error"]!["code"]!));
        Assert.Contains("did not finish within 5 s", (string)done["error"]!["message"]!);
        Assert.Equal(["first"], (await _client.ExportAsync("fetched")).Select(r => (string)r["name"]!));
    }

    [Fact]
    public async Task A_body_that_stops_arriving_fails_the_import_at_the_idle_timeout()
    {
        await using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nid,type,"u8.ToArray(), stop);
            await Task.Delay(Timeout.Infinite, stop);
        });

        var done = await ImportFromAsync(server.Url("/stall.csv"));

        Assert.Equal(("failed", "fetch_failed"), ((string)done["status"]!, (string)done["error"]!["code"]!));
        Assert.Contains("stalled", (string)done["error"]!["message"]!);
    }

    [Theory]
    [InlineData("gopher://127.0.0.1:70/_GET")]
    [InlineData("ftp://127.0.0.1/data.csv")]
    [InlineData("file:///etc/passwd")]
    public async Task A_redirect_to_another_scheme_fails_the_import_with_fetch_failed(string location)
    {
        await using var server = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.RedirectAsync(stream, location, stop));

        var done = await ImportFromAsync(server.Url("/moved.csv"));

        Assert.Equal(("failed", "fetch_failed"), ((string)done["status"]!, (string)done["error"]!["code"]!));
        Assert.Contains("only http and https", (string)done["error"]!["message"]!);
    }

    [Theory]
    [InlineData("http://[::127.0.0.1]:{0}/data.csv")]
    [InlineData("http://[64:ff9b::7f00:1]:{0}/data.csv")]
    [InlineData("http://198.18.0.1:{0}/data.csv")]
    [InlineData("http://240.0.0.1:{0}/data.csv")]
    [InlineData("http://[ff02::1]:{0}/data.csv")]
    public async Task An_address_that_embeds_or_reserves_is_refused_before_anything_is_queued(string url)
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/fetched/imports", new { url = string.Format(System.Globalization.CultureInfo.InvariantCulture, url, 8080) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("url_not_allowed", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    private async Task<System.Text.Json.Nodes.JsonObject> ImportFromAsync(string url)
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/fetched/imports", new { url });
        return await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);
    }
}

public sealed class SqliteUrlImportHardeningTests : UrlImportHardeningTests
{
    protected override IntakeServerFactory CreateFactory() => new(Settings);
}

public sealed class PostgresUrlImportHardeningTests : UrlImportHardeningTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(Settings);
}
