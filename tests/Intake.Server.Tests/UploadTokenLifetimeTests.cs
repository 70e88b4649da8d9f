using System.Net;
using System.Net.Http.Json;
using System.Text;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;

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
