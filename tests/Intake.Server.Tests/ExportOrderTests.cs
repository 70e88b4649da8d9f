using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Exports come in the documented order (entities by key, interactions by time then key), so two exports of the
/// same records are byte-identical (NDJSON, CSV and Parquet); JSON responses and exports write quotes and
/// non-ASCII text as themselves.
/// </summary>
public abstract class ExportOrderTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task Two_exports_of_the_same_records_are_byte_identical_and_in_key_order()
    {
        await _client.CreateDatasetAsync("export-order");
        await _client.ImportAsync("export-order",
            "id,type,name,metadata,media_url\nb,q,,,\nZ,p,,,\né,p,,,\na,p,,,\nb,p,,,\n");
        await _client.ImportAsync("export-order", "id,type,name,metadata,media_url\nA,q,,,\nab,p,,,\n");
        await _client.ImportAsync("export-order",
            "type,source_id,target_id,timestamp,metadata\n" +
            "view,u2,i1,2024-03-01T12:00:00Z,\nclick,u1,i1,2024-03-01T12:00:00Z,\nview,u1,i2,2024-03-01T12:00:00Z,\n" +
            "view,u1,i1,2024-03-01T12:00:00Z,\nview,u9,i9,2024-02-01T00:00:00Z,\nclick,u1,i0,2024-03-02T00:00:00Z,\n");

        var first = await _client.Http.GetByteArrayAsync("/v1/datasets/export-order/export");
        var second = await _client.Http.GetByteArrayAsync("/v1/datasets/export-order/export");
        var csvFirst = await ExportCsvAsync();
        var csvSecond = await ExportCsvAsync();
        var parquetFirst = await _client.Http.GetByteArrayAsync("/v1/datasets/export-order/export?kind=interaction&format=parquet");
        var parquetSecond = await _client.Http.GetByteArrayAsync("/v1/datasets/export-order/export?kind=interaction&format=parquet");

        Assert.Equal(first, second);
        Assert.Equal(csvFirst, csvSecond);
        Assert.Equal(parquetFirst, parquetSecond);
        Assert.Equal("PAR1"u8.ToArray(), parquetFirst[..4]);
        var records = Encoding.UTF8.GetString(first).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var entities = records.Where(r => (string)r["kind"]! == "entity").Select(r => $"{(string)r["type"]!}/{(string)r["id"]!}").ToList();
        var interactions = records.Where(r => (string)r["kind"]! == "interaction")
            .Select(r => $"{(string)r["timestamp"]!} {(string)r["type"]!}/{(string)r["source_id"]!}/{(string)r["target_id"]!}").ToList();
        Assert.Equal(["p/Z", "p/a", "p/ab", "p/b", "p/é", "q/A", "q/b"], entities);
        Assert.Equal(
        [
            "2024-02-01T00:00:00.000Z view/u9/i9", "2024-03-01T12:00:00.000Z click/u1/i1", "2024-03-01T12:00:00.000Z view/u1/i1",
            "2024-03-01T12:00:00.000Z view/u1/i2", "2024-03-01T12:00:00.000Z view/u2/i1", "2024-03-02T00:00:00.000Z click/u1/i0",
        ], interactions);
        Assert.Equal(records.Count, records.Select(r => r.ToJsonString()).Distinct().Count());
    }

    [Fact]
    public async Task Quotes_and_non_ascii_text_are_written_as_themselves()
    {
        using var created = await _client.Http.PostAsync("/v1/datasets",
            new StringContent("""{"id": "export-text", "name": "Café \"Zürich\" 😀"}""", Encoding.UTF8, "application/json"));
        var body = await created.Content.ReadAsStringAsync();
        await _client.ImportAsync("export-text",
            "\"itemId\",\"label\",\"note\"\n\"crème\",\"Crème \"\"brûlée\"\"\",\"naïve 日本\"\n", "?recordType=item");

        var export = await _client.Http.GetStringAsync("/v1/datasets/export-text/export");
        var entity = await _client.Http.GetStringAsync("/v1/datasets/export-text/entities/item/crème");
        using var problem = await _client.Http.GetAsync("/v1/datasets/export-text/entities/item/naïve");

        Assert.Contains("\"name\":\"Café \\\"Zürich\\\" 😀\"", body);
        Assert.Contains("\"id\":\"crème\"", export);
        Assert.Contains("\"label\":\"Crème \\\"brûlée\\\"\"", export);
        Assert.Contains("\"note\":\"naïve 日本\"", export);
        Assert.Contains("\"label\":\"Crème \\\"brûlée\\\"\"", entity);
        Assert.Contains("'naïve'", await problem.Content.ReadAsStringAsync());
        Assert.DoesNotContain("\\u", body + export + entity);
        Assert.Equal("Café \"Zürich\" 😀", (string)JsonNode.Parse(body)!["name"]!);
    }

    private async Task<byte[]> ExportCsvAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/datasets/export-order/export?kind=interaction");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await _client.Http.SendAsync(request);
        return await response.Content.ReadAsByteArrayAsync();
    }
}

public sealed class SqliteExportOrderTests(SqliteServerFactory factory) : ExportOrderTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresExportOrderTests(PostgresServerFactory factory) : ExportOrderTests(factory), IClassFixture<PostgresServerFactory>;
