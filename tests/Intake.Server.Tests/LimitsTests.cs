using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

public abstract class LimitsTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Limits:MaxFileBytes"] = "2000",
        ["Limits:MaxRecords"] = "5",
    };

    private readonly IntakeServerFactory _factory;

    protected LimitsTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    private IntakeClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        await _client.CreateDatasetAsync("limits");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Declared_body_over_the_limit_is_refused_at_once_with_413_naming_the_limit()
    {
        using var body = new ByteArrayContent(new byte[3000]);
        using var response = await _client.Http.PostAsync("/v1/datasets/limits/imports", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("payload_too_large", (string)problem["code"]!);
        Assert.Contains("2000", (string)problem["detail"]!);
    }

    [Fact]
    public async Task Chunked_body_found_over_the_limit_is_refused_and_its_upload_job_fails()
    {
        var csv = "id,type,name,metadata,media_url\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"id{i},p,name{i},,\n"));
        using var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/datasets/limits/imports") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var failedUploads = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?type=file_upload&status=failed&dataset=limits"))!["items"]!.AsArray();
        Assert.Contains(failedUploads, j => (string)j!["error"]!["code"]! == "file_too_large");
    }

    [Fact]
    public async Task A_file_with_more_records_than_the_limit_fails_with_too_many_records_and_writes_nothing()
    {
        var csv = "id,type,name,metadata,media_url\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"r{i},p,n,,\n"));
        await _client.CreateDatasetAsync("too-many");

        var import = await _client.ImportAsync("too-many", csv);

        Assert.Equal("failed", (string)import["status"]!);
        Assert.Equal("too_many_records", (string)import["error"]!["code"]!);
        Assert.Equal(0, (long)(await _client.CountsAsync("too-many"))["total"]!);
    }

    [Fact]
    public async Task A_gzip_that_decompresses_past_the_limit_fails_with_file_too_large()
    {
        var csv = "id,type,name,metadata,media_url\n" + "a,p," + new string('x', 5000) + ",,\n";
        await _client.CreateDatasetAsync("bomb");

        var import = await _client.UploadAsync("bomb", IntakeClient.Gzip(csv), contentType: "text/csv");
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal("failed", (string)done["status"]!);
        Assert.Equal("file_too_large", (string)done["error"]!["code"]!);
        Assert.Equal(0, (long)(await _client.CountsAsync("bomb"))["total"]!);
    }

    [Fact]
    public async Task A_truncated_upload_fails_its_upload_job_and_the_server_keeps_serving()
    {
        await _client.CreateDatasetAsync("truncated");
        var address = _client.Http.BaseAddress!;
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(address.Host, address.Port);
            var stream = socket.GetStream();
            var head = $"POST /v1/datasets/truncated/imports HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: text/csv\r\nContent-Length: 1500\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "id,type,name,metadata,media_url\nA,p,a,,\n"));
            await stream.FlushAsync();
            await Task.Delay(200);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonArray failed;
        do
        {
            await Task.Delay(50);
            failed = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?type=file_upload&dataset=truncated"))!["items"]!.AsArray();
        }
        while (!failed.Any(j => (string)j!["status"]! == "failed") && DateTime.UtcNow < deadline);

        var upload = Assert.Single(failed);
        Assert.Equal("failed", (string)upload!["status"]!);
        Assert.Equal("upload_interrupted", (string)upload["error"]!["code"]!);
        Assert.Empty((await _client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?type=dataset_load&dataset=truncated"))!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await _client.Http.GetAsync("/health")).StatusCode);
    }
}

public sealed class SqliteLimitsTests : LimitsTests
{
    protected override IntakeServerFactory CreateFactory() => new(Settings);
}

public sealed class PostgresLimitsTests : LimitsTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(Settings);
}
