using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>#14 (7): unauthenticated callers cannot make the server read bodies, spend its key lookups without limit, or store long nonces.</summary>
public abstract class AuthenticationHardeningTests : IAsyncLifetime
{
    protected const string MasterKey = "master-key-for-hardening-tests-0123456789";

    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Security:MasterKey"] = MasterKey,
        ["RateLimits:RequestsPerSecond"] = "1000",
        ["RateLimits:Burst"] = "1000",
        ["RateLimits:FailedAuthBurst"] = "50",
        ["RateLimits:FailedAuthPerSecond"] = "1",
    };

    private const int HugeBody = 64 * 1024 * 1024;

    private readonly IntakeServerFactory _factory;
    private HttpClient _http = null!;

    protected AuthenticationHardeningTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    public async Task InitializeAsync()
    {
        _http = _factory.CreateIntakeClient().Http;
        using var created = await KeyedRequests.SendAsync(_http, HttpMethod.Post, "/v1/datasets", MasterKey, """{"id": "hardened", "name": "Hardened"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_signed_request_with_an_unknown_key_or_a_stale_timestamp_is_refused_without_its_body_being_read()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "loader", ["write"], signed: true);
        using var expecting = ExpectContinueClient();

        var (unknown, unknownSent) = await SignedUploadAsync(expecting, "key_00000000deadbeef", "ik_key_00000000deadbeef_x", KeyedRequests.Now(), HugeBody);
        var (stale, staleSent) = await SignedUploadAsync(expecting, (string)key["id"]!, (string)key["secret"]!, "1548084514112", HugeBody);
        var (valid, validSent) = await SignedUploadAsync(expecting, (string)key["id"]!, (string)key["secret"]!, KeyedRequests.Now(), 1000);

        Assert.Equal("key_unknown", unknown);
        Assert.Equal(0, unknownSent);
        Assert.Equal("timestamp_out_of_range", stale);
        Assert.Equal(0, staleSent);
        Assert.Equal("signature_invalid", valid);
        Assert.Equal(1000, validSent);
    }

    [Fact]
    public async Task A_flood_of_wrong_keys_from_one_address_gets_429_with_retry_after()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 600; i++)
        {
            var response = await KeyedRequests.SendAsync(_http, HttpMethod.Get, "/v1/datasets", $"ik_key_{i:x16}_wrong");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && limited is null)
            {
                limited = response;
                continue;
            }

            response.Dispose();
        }

        using (limited)
        {
            Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
            Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 50), statuses.Take(50));
            Assert.NotNull(limited);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Equal("rate_limited", (string)(await IntakeClient.ProblemAsync(limited))["code"]!);
            Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) > statuses.Count(s => s == HttpStatusCode.Unauthorized));
        }
    }

    [Fact]
    public async Task A_nonce_longer_than_128_characters_is_refused_and_128_is_accepted()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "signer", ["read"], signed: true);

        using var tooLong = await SignedGetAsync((string)key["id"]!, (string)key["secret"]!, new string('n', 129));
        using var longest = await SignedGetAsync((string)key["id"]!, (string)key["secret"]!, new string('n', 128));
        using var empty = await SignedGetAsync((string)key["id"]!, (string)key["secret"]!, "");

        Assert.Equal(HttpStatusCode.Unauthorized, tooLong.StatusCode);
        Assert.Equal("nonce_invalid", (string)(await IntakeClient.ProblemAsync(tooLong))["code"]!);
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        Assert.Equal("nonce_invalid", (string)(await IntakeClient.ProblemAsync(empty))["code"]!);
    }

    [Fact]
    public async Task Revoking_an_unknown_or_already_revoked_key_answers_404()
    {
        var key = await KeyedRequests.CreateKeyAsync(_http, MasterKey, "short-lived", ["read"]);

        using var unknown = await KeyedRequests.SendAsync(_http, HttpMethod.Delete, "/v1/keys/key_0000000000000000", MasterKey);
        using var first = await KeyedRequests.SendAsync(_http, HttpMethod.Delete, $"/v1/keys/{(string)key["id"]!}", MasterKey);
        using var again = await KeyedRequests.SendAsync(_http, HttpMethod.Delete, $"/v1/keys/{(string)key["id"]!}", MasterKey);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("key_not_found", (string)(await IntakeClient.ProblemAsync(unknown))["code"]!);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("key_not_found", (string)(await IntakeClient.ProblemAsync(again))["code"]!);
    }

    /// <summary>
    /// A client that waits for <c>100 Continue</c> before it sends a body, as curl does for large uploads; Kestrel sends
    /// it only when the endpoint starts reading, so the bytes sent show whether the server read the body.
    /// </summary>
    private HttpClient ExpectContinueClient() =>
        new(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) }) { BaseAddress = _http.BaseAddress };

    private static async Task<(string Code, long BytesSent)> SignedUploadAsync(HttpClient http, string keyId, string secret, string timestamp, int length)
    {
        var content = new CountingContent(length);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/datasets/hardened/imports") { Content = content };
        request.Headers.ExpectContinue = true;
        KeyedRequests.Sign(request, keyId, secret, timestamp, Guid.NewGuid().ToString(), "a different body"u8.ToArray());
        using var response = await http.SendAsync(request);
        return ((string)(await IntakeClient.ProblemAsync(response))["code"]!, content.Sent);
    }

    private async Task<HttpResponseMessage> SignedGetAsync(string keyId, string secret, string nonce)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/datasets");
        KeyedRequests.Sign(request, keyId, secret, KeyedRequests.Now(), nonce, []);
        return await _http.SendAsync(request);
    }

    /// <summary>A body of zeros produced on demand, counting what was actually written to the connection.</summary>
    private sealed class CountingContent(int length) : HttpContent
    {
        public long Sent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            while (Sent < length)
            {
                var count = (int)Math.Min(chunk.Length, length - Sent);
                await stream.WriteAsync(chunk.AsMemory(0, count));
                Sent += count;
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return true;
        }
    }
}

public sealed class SqliteAuthenticationHardeningTests : AuthenticationHardeningTests
{
    protected override IntakeServerFactory CreateFactory() => new(Settings);
}

public sealed class PostgresAuthenticationHardeningTests : AuthenticationHardeningTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(Settings);
}
