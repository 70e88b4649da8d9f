using System.Net;
using System.Net.Http.Json;
using Intake.Core.Tests.Imports;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>#14 (8): the environment's proxy settings are ignored, so the address policy judges the real target.</summary>
public sealed class UrlImportProxyTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "proxy-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_process_with_http_proxy_set_fetches_directly()
    {
        await using var proxy = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.WriteAsync(stream, "200 OK", "id,type,name,metadata,media_url\nu1,p,proxied,,\n", cancellationToken: stop));
        await using var target = new ScriptedHttpServer((_, stream, stop) => ScriptedHttpServer.WriteAsync(stream, "200 OK", "id,type,name,metadata,media_url\nu1,p,direct,,\n", cancellationToken: stop));
        await using var server = await ServerProcess.StartAsync(_dataDirectory, new Dictionary<string, string> { ["UrlImports:AllowedAddresses:0"] = "127.0.0.1" },
            environment: new Dictionary<string, string> { ["http_proxy"] = proxy.Url(""), ["HTTP_PROXY"] = proxy.Url(""), ["no_proxy"] = "" });
        var client = server.CreateClient();
        await client.CreateDatasetAsync("proxied");

        using var response = await client.Http.PostAsJsonAsync("/v1/datasets/proxied/imports", new { url = target.Url("/data.csv") });
        var done = await client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(["direct"], (await client.ExportAsync("proxied")).Select(r => (string)r["name"]!));
        Assert.Empty(proxy.RequestLines);
    }
}
