using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>Keys, scopes and signed requests (DESIGN.md 5) on a server with a master key.</summary>
public abstract class SecurityTests : IAsyncLifetime
{
    protected const string MasterKey = "master-key-for-tests";

    protected static readonly IReadOnlyDictionary<string, string?> WithMasterKey = new Dictionary<string, string?>
    {
        ["Security:MasterKey"] = MasterKey,
        ["RateLimits:RequestsPerSecond"] = "1000",
        ["RateLimits:Burst"] = "1000",
    };

    private readonly IntakeServerFactory _factory;
    private HttpClient _http = null!;

    protected SecurityTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    public async Task InitializeAsync()
    {
        _http = _factory.CreateIntakeClient().Http;
        using var created = await SendAsync(HttpMethod.Post, "/v1/datasets", MasterKey, """{"id": "secure", "name": "Secure"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Without_a_key_only_health_and_ready_answer()
    {
        using var datasets = await _http.GetAsync("/v1/datasets");

        Assert.Equal(HttpStatusCode.Unauthorized, datasets.StatusCode);
        Assert.Equal("unauthorized", (string)(await IntakeClient.ProblemAsync(datasets))["code"]!);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/ready")).StatusCode);
        using var wrong = await SendAsync(HttpMethod.Get, "/v1/datasets", "ik_key_0000000000000000_nope");
        Assert.Equal("key_unknown", (string)(await IntakeClient.ProblemAsync(wrong))["code"]!);
    }

    [Fact]
    public async Task Scopes_limit_what_a_key_may_do_and_a_secret_is_shown_once()
    {
        var reader = await CreateKeyAsync("reader", ["read"]);
        var writer = await CreateKeyAsync("writer", ["write", "read"]);

        using var read = await SendAsync(HttpMethod.Get, "/v1/datasets/secure", (string)reader["secret"]!);
        using var readerWrites = await SendAsync(HttpMethod.Post, "/v1/datasets/secure/imports", (string)reader["secret"]!, "id,type,name,metadata,media_url\na,p,x,,\n", "text/csv");
        using var upload = await SendAsync(HttpMethod.Post, "/v1/datasets/secure/imports", (string)writer["secret"]!, "id,type,name,metadata,media_url\na,p,x,,\n", "text/csv");
        using var writerAdmin = await SendAsync(HttpMethod.Post, "/v1/datasets/secure/clear", (string)writer["secret"]!);
        using var list = await SendAsync(HttpMethod.Get, "/v1/keys", MasterKey);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerWrites.StatusCode);
        Assert.Equal("forbidden", (string)(await IntakeClient.ProblemAsync(readerWrites))["code"]!);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, writerAdmin.StatusCode);
        var keys = await list.Content.ReadAsStringAsync();
        Assert.Contains((string)reader["id"]!, keys);
        Assert.DoesNotContain((string)reader["secret"]!, keys);
        Assert.DoesNotContain("secret", keys);
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        var key = await CreateKeyAsync("temporary", ["read"]);
        using var revoke = await SendAsync(HttpMethod.Delete, $"/v1/keys/{(string)key["id"]!}", MasterKey);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var after = await SendAsync(HttpMethod.Get, "/v1/datasets", (string)key["secret"]!);

        Assert.Equal("key_revoked", (string)(await IntakeClient.ProblemAsync(after))["code"]!);
    }

    [Fact]
    public async Task A_signed_key_accepts_only_valid_fresh_signatures()
    {
        var key = await CreateKeyAsync("signer", ["read", "write"], signed: true);
        var secret = (string)key["secret"]!;
        var id = (string)key["id"]!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var bearer = await SendAsync(HttpMethod.Get, "/v1/datasets", secret);
        using var signed = await SignedAsync(HttpMethod.Get, "/v1/datasets?limit=5", id, secret, now, "n-1", body: null);
        using var replay = await SignedAsync(HttpMethod.Get, "/v1/datasets?limit=5", id, secret, now, "n-1", body: null);
        using var stale = await SignedAsync(HttpMethod.Get, "/v1/datasets", id, secret, "1548084514112", "n-2", body: null);
        using var tampered = await SignedAsync(HttpMethod.Get, "/v1/datasets", id, secret, now, "n-3", body: null, signature: new string('0', 64));

        Assert.Equal("signature_required", (string)(await IntakeClient.ProblemAsync(bearer))["code"]!);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("nonce_reused", (string)(await IntakeClient.ProblemAsync(replay))["code"]!);
        Assert.Equal("timestamp_out_of_range", (string)(await IntakeClient.ProblemAsync(stale))["code"]!);
        Assert.Equal("signature_invalid", (string)(await IntakeClient.ProblemAsync(tampered))["code"]!);
    }

    [Fact]
    public async Task Table_batch_requests_are_signed_with_the_sherpa_headers_over_their_body()
    {
        var key = await CreateKeyAsync("recommender", ["read", "write"], signed: true);
        await using var files = await LocalFileServer.StartAsync(new() { ["/items_file.csv"] = "\"itemId\",\"name\"\n\"item01\",\"apple\"\n" });
        var body = $$"""{"url":"{{files.Url("/items_file.csv")}}","format":"csv"}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var accepted = await SignedAsync(HttpMethod.Post, "/v2/recomm/secure/items/batch", (string)key["id"]!, (string)key["secret"]!, now, "sherpa-1", body, sherpa: true);
        using var otherBody = await SignedAsync(HttpMethod.Post, "/v2/recomm/secure/items/batch", (string)key["id"]!, (string)key["secret"]!, now, "sherpa-2", body,
            sherpa: true, sendBody: body.Replace("csv\"}", "json\"}", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("queued", (string)(await accepted.Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
        Assert.Equal("signature_invalid", (string)(await IntakeClient.ProblemAsync(otherBody))["code"]!);
    }

    [Fact]
    public async Task The_bulk_write_token_is_a_key_secret()
    {
        var key = await CreateKeyAsync("activity", ["write"]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads")
        {
            Content = JsonContent.Create(new { filename = "x.ndjson", destination = new { destination_type = "dataset_load", dataset_id = "secure", record_type = "customer_record" } }),
        };
        request.Headers.Add("Auth-Api-Token", (string)key["secret"]!);
        using var created = await _http.SendAsync(request);
        using var anonymous = await _http.PostAsJsonAsync("/v1/uploads", new { filename = "x", destination = new { destination_type = "dataset_load", dataset_id = "secure" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<JsonObject> CreateKeyAsync(string name, string[] scopes, bool signed = false) =>
        await KeyedRequests.CreateKeyAsync(_http, MasterKey, name, scopes, signed);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? secret, string? body = null, string contentType = "application/json") =>
        KeyedRequests.SendAsync(_http, method, path, secret, body, contentType);

    private async Task<HttpResponseMessage> SignedAsync(HttpMethod method, string pathAndQuery, string keyId, string secret, string timestamp, string nonce,
        string? body, bool sherpa = false, string? signature = null, string? sendBody = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        KeyedRequests.Sign(request, keyId, secret, timestamp, nonce, Encoding.UTF8.GetBytes(body ?? ""), sherpa, signature);
        if (body is not null)
        {
            request.Content = new StringContent(sendBody ?? body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}

public sealed class SqliteSecurityTests : SecurityTests
{
    protected override IntakeServerFactory CreateFactory() => new(WithMasterKey);
}

public sealed class PostgresSecurityTests : SecurityTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(WithMasterKey);
}

public sealed class DevelopmentModeTests
{
    [Fact]
    public async Task Requests_over_the_limit_get_429_with_retry_after()
    {
        await using var factory = new IntakeServerFactory(new Dictionary<string, string?> { ["RateLimits:RequestsPerSecond"] = "1", ["RateLimits:Burst"] = "3" });
        var http = factory.CreateIntakeClient().Http;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await http.GetAsync("/v1/datasets");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
                Assert.Equal("rate_limited", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
    }
}
