using System.Net;
using System.Net.Http.Headers;
using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Server.Tests;

/// <summary>
/// Parquet in and out over HTTP, checked by DuckDB (an independent Parquet implementation): it generates the
/// files that are imported and reads back what is exported, comparing every row both ways.
/// </summary>
public abstract class ParquetApiTests(IntakeServerFactory factory) : IDisposable
{
    // Big enough for several row groups each way (65,536 per export group; DuckDB writes 122,880), small enough for CI on both stores.
    private const int Interactions = 300_000;
    private const int Items = 20_000;

    private readonly IntakeClient _client = factory.CreateIntakeClient();
    private readonly string _directory = Directory.CreateTempSubdirectory("intake-parquet-api-").FullName;
    private readonly DuckDb _duck = new();

    [Fact]
    public async Task A_parquet_export_of_a_csv_import_reads_back_in_duckdb_with_every_key_and_value()
    {
        _duck.Execute($"""
            CREATE TABLE source AS
            SELECT CASE WHEN i % 3 = 0 THEN 'view' ELSE 'click' END AS type, 'u' || (i % 7919) AS source_id, 'i' || (i % 997) AS target_id,
                   1700000000000 + i * 1000 + (i % 1000) AS ts, i % 50 AS position, (i % 1000) / 4.0 AS price, 'l' || (i % 7) AS label
            FROM range({Interactions}) t(i)
            """);
        var csv = Path.Combine(_directory, "source.csv");
        _duck.Execute($$"""
            COPY (SELECT type, source_id, target_id, ts AS timestamp,
                         '{"position":' || position || ',"price":' || price || ',"label":"' || label || '"}' AS metadata
                  FROM source) TO {{DuckDb.Quote(csv)}} (HEADER, DELIMITER ',')
            """);
        await _client.CreateDatasetAsync("pq-out");
        var import = await ImportFileAsync("pq-out", csv, "text/csv");
        Assert.Equal(("completed", Interactions), ((string)import["status"]!, (int)import["progress"]!["records_written"]!));

        var exported = await ExportAsync("pq-out", "?kind=interaction&format=parquet");

        Assert.Equal(Interactions, _duck.Scalar<long>($"SELECT count(*) FROM {exported}"));
        var columns = $"type, source_id, target_id, epoch_ms(timestamp) AS ts, position, price, label";
        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM (SELECT {columns} FROM {exported} EXCEPT SELECT type, source_id, target_id, ts, position, price, label FROM source)"));
        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM (SELECT type, source_id, target_id, ts, position, price, label FROM source EXCEPT SELECT {columns} FROM {exported})"));
        Assert.Equal(
            [["TIMESTAMP WITH TIME ZONE", "BIGINT", "DOUBLE", "VARCHAR"]],
            _duck.Rows($"SELECT typeof(timestamp), typeof(position), typeof(price), typeof(label) FROM {exported} LIMIT 1"));
        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM {exported} WHERE attributes IS NOT NULL OR value IS NOT NULL OR record_type <> 'interaction'"));
        Assert.Equal([(string)import["id"]!], _duck.Rows($"SELECT DISTINCT batch_id FROM {exported}").Select(r => r[0]));
    }

    [Fact]
    public async Task A_parquet_file_written_by_duckdb_imports_with_identical_records()
    {
        _duck.Execute($"""
            CREATE TABLE source AS
            SELECT 'i' || i AS itemId, 'Item ' || i AS title, i % 100 AS stock, (i % 400) / 8.0 AS price, i % 2 = 0 AS available,
                   ['c' || (i % 5), 'c' || (i % 11)] AS categories, {'{'}'w': i % 9, 'unit': 'cm'{'}'} AS size
            FROM range({Items}) t(i)
            """);
        var parquet = Path.Combine(_directory, "items.parquet");
        _duck.Execute($"COPY source TO {DuckDb.Quote(parquet)} (FORMAT PARQUET)");
        await _client.CreateDatasetAsync("pq-in");

        var import = await ImportFileAsync("pq-in", parquet, "application/vnd.apache.parquet", "?recordType=item");

        Assert.Equal(("completed", Items), ((string)import["status"]!, (int)import["progress"]!["records_written"]!));
        Assert.Equal("item", (string)import["record_type"]!);
        var exported = await ExportAsync("pq-in", "?kind=entity", FormatDetectorMediaType);
        Assert.Equal(Items, _duck.Scalar<long>($"SELECT count(*) FROM {exported}"));
        Assert.Equal(
            [["VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR", "VARCHAR"]],
            _duck.Rows($"SELECT typeof(title), typeof(stock), typeof(price), typeof(available), typeof(categories), typeof(size) FROM {exported} LIMIT 1"));
        var back = $"""
            SELECT id AS itemId, title, stock, price, available, categories::JSON::VARCHAR[] AS categories,
                   json_transform(size, '{"{"}"w": "BIGINT", "unit": "VARCHAR"{"}"}') AS size
            FROM {exported} WHERE type = 'item' AND attributes IS NULL
            """;
        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM ({back} EXCEPT SELECT * FROM source)"));
        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM (SELECT * FROM source EXCEPT {back})"));
    }

    [Fact]
    public async Task The_format_of_an_upload_is_found_by_its_magic_bytes_and_bad_rows_get_per_row_errors()
    {
        var parquet = Path.Combine(_directory, "mixed.parquet");
        _duck.Execute($"""
            COPY (SELECT 'click' AS type, CASE WHEN i = 2 THEN '' ELSE 'u' || i END AS source_id, 'i' || i AS target_id,
                         CASE WHEN i = 3 THEN TIMESTAMPTZ '1970-01-02 00:00:00+00' ELSE TIMESTAMPTZ '2024-03-01 00:00:00+00' + INTERVAL (i) HOUR END AS timestamp,
                         CASE WHEN i = 1 THEN '[1]' ELSE '{"{"}"n": ' || i || '{"}"}' END AS metadata
                  FROM range(5) t(i)) TO {DuckDb.Quote(parquet)} (FORMAT PARQUET)
            """);
        await _client.CreateDatasetAsync("pq-detect");

        var sniffed = await ImportFileAsync("pq-detect", parquet, "application/octet-stream");

        Assert.Equal("completed_with_errors", (string)sniffed["status"]!);
        Assert.Equal("interaction", (string)sniffed["record_type"]!);
        Assert.Equal((5, 2, 3), ((int)sniffed["progress"]!["records_read"]!, (int)sniffed["progress"]!["records_written"]!, (int)sniffed["progress"]!["records_rejected"]!));
        var errors = await _client.ErrorsAsync((string)sniffed["id"]!);
        Assert.Equal([2L, 3L, 4L], errors.Select(e => (long)e["line"]!));
        Assert.Equal("metadata", (string)errors[0]["field"]!);
        Assert.Equal(("MissingField", "source_id"), ((string)errors[1]["code"]!, (string)errors[1]["field"]!));
        Assert.Equal(("TimestampOutOfRange", "timestamp"), ((string)errors[2]["code"]!, (string)errors[2]["field"]!));
    }

    [Fact]
    public async Task A_parquet_export_needs_a_kind_and_an_unknown_format_is_refused()
    {
        await _client.CreateDatasetAsync("pq-refuse");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/datasets/pq-refuse/export");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FormatDetectorMediaType));

        using var noKind = await _client.Http.SendAsync(request);
        using var badFormat = await _client.Http.GetAsync("/v1/datasets/pq-refuse/export?kind=entity&format=xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, noKind.StatusCode);
        Assert.Contains("kind=entity", (string)(await IntakeClient.ProblemAsync(noKind))["detail"]!, StringComparison.Ordinal);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(badFormat))["code"]!);
    }

    [Fact]
    public async Task An_empty_export_is_a_readable_file_with_the_columns_and_no_rows()
    {
        await _client.CreateDatasetAsync("pq-empty");

        var exported = await ExportAsync("pq-empty", "?kind=interaction&format=parquet");

        Assert.Equal(0, _duck.Scalar<long>($"SELECT count(*) FROM {exported}"));
        Assert.Equal(
            ["type", "source_id", "target_id", "timestamp", "value", "record_type", "batch_id", "attributes"],
            _duck.Rows($"SELECT column_name FROM (DESCRIBE SELECT * FROM {exported})").Select(r => r[0]));
    }

    public void Dispose()
    {
        _duck.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private const string FormatDetectorMediaType = "application/vnd.apache.parquet";

    private async Task<System.Text.Json.Nodes.JsonObject> ImportFileAsync(string dataset, string path, string contentType, string query = "")
    {
        await using var file = File.OpenRead(path);
        using var body = new StreamContent(file);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _client.Http.PostAsync($"/v1/datasets/{dataset}/imports{query}", body);
        var import = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        return await _client.WaitForFinalAsync((string)import["id"]!);
    }

    /// <summary>Downloads a Parquet export to a file; returns it quoted for DuckDB's SQL.</summary>
    private async Task<string> ExportAsync(string dataset, string query, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/datasets/{dataset}/export{query}");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await _client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FormatDetectorMediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.parquet");
        await using (var file = File.Create(path))
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(file);
        }

        return DuckDb.Quote(path);
    }
}

public sealed class SqliteParquetApiTests(SqliteServerFactory factory) : ParquetApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresParquetApiTests(PostgresServerFactory factory) : ParquetApiTests(factory), IClassFixture<PostgresServerFactory>;
