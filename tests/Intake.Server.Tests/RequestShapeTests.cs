using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>#14 (5): malformed multipart bodies, over-long URLs, too many tags and ids that only look like slugs get 4xx problems with codes, and nothing is stored.</summary>
public abstract class RequestShapeTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task A_garbage_multipart_body_is_refused_with_malformed_multipart()
    {
        await _client.EnsureDatasetAsync("shape-multipart");
        static ByteArrayContent Garbage()
        {
            var body = new ByteArrayContent(Encoding.ASCII.GetBytes("this is not a multipart body at all\r\n--nope\r\n"));
            body.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=expected-boundary");
            return body;
        }

        using var response = await _client.Http.PostAsync("/v1/datasets/shape-multipart/imports", Garbage());
        using var dataBatch = await _client.Http.PostAsync("/data_batch", Garbage());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_multipart", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
        Assert.Equal("malformed_multipart", (string)(await IntakeClient.ProblemAsync(dataBatch))["code"]!);
        Assert.Empty(await ImportsOfAsync("shape-multipart"));
    }

    [Fact]
    public async Task A_multipart_part_header_over_16_kib_is_refused_with_malformed_multipart()
    {
        await _client.EnsureDatasetAsync("shape-part-header");
        var text = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nX-Padding: " + new string('x', 17 * 1024) +
            "\r\n\r\nid,type,name,metadata,media_url\na,p,x,,\r\n--b--\r\n";
        using var body = new ByteArrayContent(Encoding.ASCII.GetBytes(text));
        body.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await _client.Http.PostAsync("/v1/datasets/shape-part-header/imports", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("malformed_multipart", (string)problem["code"]!);
        Assert.Empty(await ImportsOfAsync("shape-part-header"));
    }

    [Fact]
    public async Task A_10_kB_dataset_id_in_the_url_gets_a_problem_with_url_too_long()
    {
        using var response = await _client.Http.GetAsync("/v1/datasets/" + new string('d', 10_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal("url_too_long", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    [Fact]
    public async Task Ten_thousand_tags_in_the_query_get_a_problem_and_a_hundred_and_one_get_too_many_tags()
    {
        await _client.EnsureDatasetAsync("shape-tags");
        var tenThousand = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"t{i}"));
        var hundredAndOne = string.Join(',', Enumerable.Range(0, 101).Select(i => $"t{i}"));

        using var huge = await PostCsvAsync($"/v1/datasets/shape-tags/imports?tags={tenThousand}");
        using var many = await PostCsvAsync($"/v1/datasets/shape-tags/imports?tags={hundredAndOne}");
        using var repeated = await PostCsvAsync("/v1/datasets/shape-tags/imports?" + string.Join('&', Enumerable.Range(0, 101).Select(i => $"tags=r{i}")));
        using var longTag = await PostCsvAsync($"/v1/datasets/shape-tags/imports?tags={new string('t', 101)}");
        using var inJson = await _client.Http.PostAsJsonAsync("/v1/datasets/shape-tags/imports",
            new { url = "http://127.0.0.1:9/x.csv", tags = Enumerable.Range(0, 101).Select(i => $"j{i}").ToArray() });
        using var export = await _client.Http.GetAsync($"/v1/datasets/shape-tags/export?tags={hundredAndOne}");
        using var hundred = await PostCsvAsync($"/v1/datasets/shape-tags/imports?tags={string.Join(',', Enumerable.Range(0, 100).Select(i => $"t{i}"))}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);
        Assert.Equal("url_too_long", (string)(await IntakeClient.ProblemAsync(huge))["code"]!);
        Assert.Equal("too_many_tags", (string)(await IntakeClient.ProblemAsync(many))["code"]!);
        Assert.Equal("too_many_tags", (string)(await IntakeClient.ProblemAsync(repeated))["code"]!);
        Assert.Equal("tag_too_long", (string)(await IntakeClient.ProblemAsync(longTag))["code"]!);
        Assert.Equal("too_many_tags", (string)(await IntakeClient.ProblemAsync(inJson))["code"]!);
        Assert.Equal("too_many_tags", (string)(await IntakeClient.ProblemAsync(export))["code"]!);
        var accepted = await IntakeClient.ExpectAsync(hundred, HttpStatusCode.Accepted);
        Assert.Equal(100, accepted["tags"]!.AsArray().Count);
        Assert.Single(await ImportsOfAsync("shape-tags"));
    }

    [Fact]
    public async Task A_request_line_over_kestrels_limit_still_gets_414()
    {
        using var response = await _client.Http.GetAsync("/v1/datasets?x=" + new string('q', 70_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Theory]
    [InlineData("shop\n")]
    [InlineData("shop\r\n")]
    [InlineData("\nshop")]
    [InlineData("shop\u0000")]
    public async Task A_dataset_id_with_a_trailing_or_leading_line_break_is_refused_and_not_stored(string id)
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets", new { id, name = "x" });
        var list = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets?limit=1000"))!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
        Assert.DoesNotContain(list["items"]!.AsArray(), d => ((string)d!["id"]!).Contains("shop", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> PostCsvAsync(string path) =>
        await _client.Http.PostAsync(path, new StringContent("id,type,name,metadata,media_url\na,p,x,,\n", Encoding.UTF8, "text/csv"));

    private async Task<JsonArray> ImportsOfAsync(string dataset) =>
        (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/imports?dataset={dataset}"))!["items"]!.AsArray();
}

public sealed class SqliteRequestShapeTests(SqliteServerFactory factory) : RequestShapeTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresRequestShapeTests(PostgresServerFactory factory) : RequestShapeTests(factory), IClassFixture<PostgresServerFactory>;

/// <summary>#14 (5): a multipart file part larger than MultipartReader's own 128 MiB default is staged, not refused with a 500.</summary>
public sealed class LargeMultipartTests(SqliteServerFactory factory) : IClassFixture<SqliteServerFactory>
{
    private const long PartBytes = 130L * 1024 * 1024;

    [Fact]
    public async Task A_file_part_over_128_MiB_is_staged_whole()
    {
        var client = factory.CreateIntakeClient();
        await client.EnsureDatasetAsync("large-multipart");

        using var response = await client.Http.PostAsync("/v1/datasets/large-multipart/imports", new LargeFormContent());
        var import = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        var upload = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)import["jobs"]!["file_upload"]!}"))!;

        Assert.Equal(PartBytes, (long)upload["stats"]!["bytes_received"]!);
    }

    /// <summary>A form whose one file part is a header no record type fits, padded to <see cref="PartBytes"/>, written on demand.</summary>
    private sealed class LargeFormContent : HttpContent
    {
        private static readonly byte[] s_head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n");
        private static readonly byte[] s_tail = Encoding.ASCII.GetBytes("\r\n--b--\r\n");

        public LargeFormContent()
        {
            Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(s_head);
            var chunk = Encoding.ASCII.GetBytes(new string('z', 1 << 20));
            chunk[^1] = (byte)'\n';
            for (long written = 0; written < PartBytes; written += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }

            await stream.WriteAsync(s_tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = s_head.Length + PartBytes + s_tail.Length;
            return true;
        }
    }
}
