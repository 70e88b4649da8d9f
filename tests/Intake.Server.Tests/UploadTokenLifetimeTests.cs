using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Server.Tests;

/// <summary>#14 (9): an upload URL carries the configured public address, its token expires, and it outlives a restart and works on every cluster node.</summary>
public abstract class UploadTokenLifetimeTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["PublicUrl"] = "https://intake.example.com/base/",
        ["Uploads:TokenLifetimeSeconds"] = "1",
    };

    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected UploadTokenLifetimeTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    public async Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        await _client.CreateDatasetAsync("expiring");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_url_uses_public_url_and_its_token_expires()
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/uploads",
            new { filename = "c.ndjson", destination = new { destination_type = "dataset_load", dataset_id = "expiring", record_type = "customer_record" } });
        var upload = await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);
        var url = new Uri((string)upload["url"]!);

        // Past the one-second lifetime, whatever the clock's resolution: the expiry is in whole seconds.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var put = await _client.Http.PutAsync(url.PathAndQuery.Replace("/base", "", StringComparison.Ordinal),
            new ByteArrayContent(Encoding.UTF8.GetBytes(CdpExamples.Json("customer_record"))));

        Assert.Equal($"https://intake.example.com/base/v1/uploads/{(string)upload["id"]!}", url.GetLeftPart(UriPartial.Path));
        Assert.Equal($"https://intake.example.com/base/v1/uploads/{(string)upload["id"]!}", response.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal("upload_token_expired", (string)(await IntakeClient.ProblemAsync(put))["code"]!);
    }
}

public sealed class SqliteUploadTokenLifetimeTests : UploadTokenLifetimeTests
{
    protected override IntakeServerFactory CreateFactory() => new(Settings);
}

public sealed class PostgresUploadTokenLifetimeTests : UploadTokenLifetimeTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(Settings);
}

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
