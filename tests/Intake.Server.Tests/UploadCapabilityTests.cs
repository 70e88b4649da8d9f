using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Intake.Server.Tests;

/// <summary>
/// #14 (9): upload URLs are capability URLs. The bulk-write vendor's upload client creates the upload with
/// <c>Auth-Api-Token</c>, then PUTs the bytes to the returned url with no header at all; with a master key set
/// that must work, while every misuse of the token is refused with a code, and no token reaches a log.
/// </summary>
public abstract class UploadCapabilityTests : IAsyncLifetime
{
    protected const string MasterKey = "master-key-for-upload-capability-tests-0123";

    private readonly CapturedLogs _logs = new();
    private readonly IntakeServerFactory _factory;
    private HttpClient _http = null!;

    protected UploadCapabilityTests()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Security:MasterKey"] = MasterKey,
            ["RateLimits:RequestsPerSecond"] = "1000",
            ["RateLimits:Burst"] = "1000",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        _factory = CreateFactory(settings, services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services);

    public async Task InitializeAsync()
    {
        _http = _factory.CreateIntakeClient().Http;
        using var created = await KeyedRequests.SendAsync(_http, HttpMethod.Post, "/v1/datasets", MasterKey, """{"id": "vendor", "name": "Vendor"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_vendor_clients_exact_sequence_loads_the_file_in_secured_mode_and_logs_no_token()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "vendor-script", ["write"]);
        var lines = CdpExamples.Json("customer_record") + "\n";

        var upload = await CreateUploadAsync((string)key["secret"]!);
        using var put = await PutWithoutHeadersAsync((string)upload["url"]!, IntakeClient.Gzip(lines));
        var import = await IntakeClient.ExpectAsync(put, HttpStatusCode.OK);
        var done = await WaitAsync((string)import["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(1, (long)done["progress"]!["records_written"]!);
        var token = new Uri((string)upload["url"]!).Query["?token=".Length..];
        Assert.True(token.Length > 40);
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_url_is_built_from_the_listening_address_not_the_host_header()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "writer", ["write"]);
        using var request = CreateUploadRequest((string)key["secret"]!);
        request.Headers.Host = "attacker.example";

        using var response = await _http.SendAsync(request);
        var upload = await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);

        var url = new Uri((string)upload["url"]!);
        Assert.Equal(_http.BaseAddress!.Authority, url.Authority);
        Assert.Equal($"/v1/uploads/{(string)upload["id"]!}", url.AbsolutePath);
        Assert.Equal(_http.BaseAddress.Authority, response.Headers.Location!.Authority);
        Assert.DoesNotContain("token", response.Headers.Location.ToString());
        Assert.DoesNotContain("attacker", response.Headers.Location.ToString() + url);
    }

    [Fact]
    public async Task A_reused_altered_or_foreign_token_is_refused_with_a_code()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "writer", ["write"]);
        var first = (string)(await CreateUploadAsync((string)key["secret"]!))["url"]!;
        var second = (string)(await CreateUploadAsync((string)key["secret"]!))["url"]!;
        var body = Encoding.UTF8.GetBytes(CdpExamples.Json("customer_record"));

        using var used = await PutWithoutHeadersAsync(first, body);
        using var reused = await PutWithoutHeadersAsync(first, body);
        using var altered = await PutWithoutHeadersAsync(Alter(second), body);
        using var foreign = await PutWithoutHeadersAsync(second.Split('?')[0] + "?" + first.Split('?')[1], body);
        using var noToken = await PutWithoutHeadersAsync(second.Split('?')[0], body);

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        await AssertRefusedAsync(reused, HttpStatusCode.Forbidden, "upload_token_used");
        await AssertRefusedAsync(altered, HttpStatusCode.Unauthorized, "upload_token_invalid");
        await AssertRefusedAsync(foreign, HttpStatusCode.Forbidden, "upload_token_mismatch");
        await AssertRefusedAsync(noToken, HttpStatusCode.Unauthorized, "unauthorized");
        using var stillOpen = await PutWithoutHeadersAsync(second, body);
        Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_a_put_needs_a_key_that_could_have_created_the_upload()
    {
        var creator = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "creator", ["write"]);
        var other = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "other-writer", ["write"]);
        var reader = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "reader", ["read"]);
        var path = new Uri((string)(await CreateUploadAsync((string)creator["secret"]!))["url"]!).AbsolutePath;
        var body = CdpExamples.Json("customer_record");

        using var byReader = await KeyedRequests.SendAsync(_http, HttpMethod.Put, path, (string)reader["secret"]!, body, "application/x-ndjson");
        using var byOther = await KeyedRequests.SendAsync(_http, HttpMethod.Put, path, (string)other["secret"]!, body, "application/x-ndjson");

        await AssertRefusedAsync(byReader, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, byOther.StatusCode);
    }

    [Fact]
    public async Task Revoking_the_creating_key_stops_its_upload_urls()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "soon-revoked", ["write"]);
        var url = (string)(await CreateUploadAsync((string)key["secret"]!))["url"]!;
        using var revoke = await KeyedRequests.SendAsync(_http, HttpMethod.Delete, $"/v1/keys/{(string)key["id"]!}", MasterKey);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var put = await PutWithoutHeadersAsync(url, Encoding.UTF8.GetBytes(CdpExamples.Json("customer_record")));

        await AssertRefusedAsync(put, HttpStatusCode.Unauthorized, "key_revoked");
    }

    private async Task<JsonObject> CreateUploadAsync(string secret)
    {
        using var request = CreateUploadRequest(secret);
        using var response = await _http.SendAsync(request);
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);
    }

    private static HttpRequestMessage CreateUploadRequest(string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads")
        {
            Content = JsonContent.Create(new { filename = "customers.ndjson.gz", destination = new { destination_type = "dataset_load", dataset_id = "vendor", record_type = "customer_record" } }),
        };
        request.Headers.Add("Auth-Api-Token", secret);
        return request;
    }

    /// <summary>The vendor script's PUT: the url as returned, the bytes, and no header of its own.</summary>
    private static async Task<HttpResponseMessage> PutWithoutHeadersAsync(string url, byte[] body)
    {
        using var client = new HttpClient();
        return await client.PutAsync(url, new ByteArrayContent(body));
    }

    private async Task<JsonObject> WaitAsync(string importId)
    {
        using var master = new HttpClient { BaseAddress = _http.BaseAddress };
        master.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MasterKey);
        return await new IntakeClient(master).WaitForFinalAsync(importId);
    }

    /// <summary>Changes one character inside the token's signature (not its last, which also carries padding bits).</summary>
    private static string Alter(string url)
    {
        var at = url.Length - 10;
        return url[..at] + (url[at] == 'A' ? 'B' : 'A') + url[(at + 1)..];
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }
}

public sealed class SqliteUploadCapabilityTests : UploadCapabilityTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new(settings, services);
}

public sealed class PostgresUploadCapabilityTests : UploadCapabilityTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new PostgresServerFactory(settings, services);
}
