using System.Net;
using System.Net.Http.Json;
using System.Text;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Server.Tests;

/// <summary>#14 (9): the token secret lives in the store, so a restarted SQLite server and every PostgreSQL node accept a token issued before.</summary>
public sealed class UploadTokenSecretTests : IAsyncLifetime
{
    private const string MasterKey = "master-key-for-upload-secret-tests-0123456";
    private readonly List<string> _directories = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_sqlite_server_restarted_on_its_data_accepts_the_url_it_issued_before()
    {
        var directory = NewDirectory();
        var settings = new Dictionary<string, string> { ["Security:MasterKey"] = MasterKey };
        Uri url;
        await using (var before = await ServerProcess.StartAsync(directory, settings))
        {
            url = await CreateUploadAsync(before);
        }

        await using var after = await ServerProcess.StartAsync(directory, settings);
        await AssertPutAcceptedAsync(after, url);
    }

    [Fact]
    public async Task A_postgres_node_accepts_a_url_another_node_issued()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync("intake_tokens");
        var settings = new Dictionary<string, string>
        {
            ["Security:MasterKey"] = MasterKey,
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = database.ConnectionString,
        };
        await using var issuer = await ServerProcess.StartAsync(NewDirectory(), settings);
        await using var other = await ServerProcess.StartAsync(NewDirectory(), settings);

        await AssertPutAcceptedAsync(other, await CreateUploadAsync(issuer));
    }

    private string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "intake-tests", "tokens-" + Guid.NewGuid().ToString("N"));
        _directories.Add(directory);
        return directory;
    }

    private static async Task<Uri> CreateUploadAsync(ServerProcess server)
    {
        var http = server.CreateClient().Http;
        using var dataset = await KeyedRequests.SendAsync(http, HttpMethod.Post, "/v1/datasets", MasterKey, """{"id": "shared", "name": "Shared"}""");
        Assert.Equal(HttpStatusCode.Created, dataset.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads")
        {
            Content = JsonContent.Create(new { filename = "c.ndjson", destination = new { destination_type = "dataset_load", dataset_id = "shared", record_type = "customer_record" } }),
        };
        request.Headers.Add("Auth-Api-Token", MasterKey);
        using var response = await http.SendAsync(request);
        return new Uri((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Created))["url"]!);
    }

    private static async Task AssertPutAcceptedAsync(ServerProcess server, Uri url)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        using var put = await http.PutAsync(url.PathAndQuery, new ByteArrayContent(Encoding.UTF8.GetBytes(CdpExamples.Json("customer_record"))));
        var import = await IntakeClient.ExpectAsync(put, HttpStatusCode.OK);
        Assert.Equal("shared", (string)import["dataset_id"]!);
    }
}
