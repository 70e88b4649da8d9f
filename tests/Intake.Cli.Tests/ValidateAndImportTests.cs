using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Intake.Cli.Tests;

/// <summary>
/// <c>intake validate</c> against what the server itself reports for the same file, and the whole offline-then-online
/// path: convert a purchases CSV, validate it, import it.
/// </summary>
public sealed class ValidateAndImportTests(CliServer server) : IClassFixture<CliServer>, IDisposable
{
    private const string PurchaseHeader =
        "link.email,action_at,type,currency,purchase_id,products.0.price_paid,products.0.quantity,products.0.product_reference.id,products.0.product_reference.id_type,products.1.price_paid,products.1.quantity,products.1.product_reference.id,products.1.product_reference.id_type,custom_fields.is_damaged";

    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Validate_reports_exactly_the_errors_an_import_of_the_same_file_reports()
    {
        var dataset = "cli-same-" + Guid.NewGuid().ToString("N")[..8];
        var file = _files.File("products.csv", """
            id,type,name,metadata,media_url
            A,product,Apple,"{""price"": 1.5}",
            B,product,Banana,"{""price"": ""cheap""}",
            C,,Cherry,,
            D,product,Date,"{""price"": 2, ""tags"": [""x""]}",
            E,product,Elder,"{""price"": 3, ""tags"": ""y""}",
            F,product,Fig,not json,
            """);

        var validated = await IntakeProcess.RunAsync("validate", "--record-type", "auto", file, "--json");
        await server.RunAsync("datasets", "create", dataset);
        var imported = await server.RunAsync("import", file, "--dataset", dataset, "--wait", "--json");
        var importId = JsonDocument.Parse(imported.Stdout).RootElement[0].GetProperty("id").GetString()!;
        var serverErrors = await server.RunAsync("jobs", "errors", importId, "--json");

        Assert.True(validated.ExitCode == 1, validated.ToString());
        Assert.True(imported.ExitCode == 1, imported.ToString());
        var summary = JsonDocument.Parse(validated.Stdout).RootElement;
        Assert.Equal(("entity", 6, 2, 4), (summary.GetProperty("record_type").GetString(), summary.GetProperty("records").GetInt64(),
            summary.GetProperty("valid").GetInt64(), summary.GetProperty("invalid").GetInt64()));
        var offline = summary.GetProperty("errors").EnumerateArray().Select(e => e.GetRawText()).ToList();
        var online = ConvertCommandTests.Lines(serverErrors.Stdout).Select(l => JsonDocument.Parse(l).RootElement.GetRawText()).ToList();
        Assert.Equal(4, online.Count);
        Assert.Equal(online.Select(Normalize), offline.Select(Normalize));
    }

    [Fact]
    public async Task Validate_reads_csv_json_ndjson_and_gzip_and_a_file_of_the_wrong_type_exits_2()
    {
        var record = """{"link":{"email":"jane@fake.com"},"action_at":"2024-03-01T10:15:00Z","type":"ecommerce","purchase_id":"P-1","products":[{"price_paid":9.5,"quantity":1,"product_reference":{"id":"S-1","id_type":"sku"}}]}""";
        var broken = """{"link":{"email":"jane@fake.com"},"action_at":"yesterday","type":"ecommerce","purchase_id":"P-2","products":[]}""";
        var ndjson = _files.File("p.ndjson", record + "\n" + broken + "\n");
        var json = _files.File("p.json", $"[{record},{broken}]");
        var gzip = _files.File("p.ndjson.gz", Gzip(record + "\n" + broken + "\n"));

        var runs = new[]
        {
            await IntakeProcess.RunAsync("validate", "--record-type", "purchase", ndjson, "--json"),
            await IntakeProcess.RunAsync("validate", "--record-type", "purchase", json, "--json"),
            await IntakeProcess.RunAsync("validate", "--record-type", "purchase", gzip, "--json"),
        };
        var wrongType = await IntakeProcess.RunAsync("validate", "--record-type", "interaction", _files.File("e.csv", "id,type\nA,p\n"));
        var valid = await IntakeProcess.RunAsync("validate", "--record-type", "purchase", _files.File("ok.ndjson", record + "\n"));

        Assert.All(runs, run => Assert.True(run.ExitCode == 1, run.ToString()));
        Assert.All(runs, run =>
        {
            var summary = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.Equal((2, 1), (summary.GetProperty("records").GetInt64(), summary.GetProperty("invalid").GetInt64()));
            Assert.Equal("action_at", summary.GetProperty("errors")[0].GetProperty("field").GetString());
        });
        Assert.True(wrongType.ExitCode == 2, wrongType.ToString());
        Assert.Contains("error header_mismatch:", wrongType.Stderr, StringComparison.Ordinal);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("1 records of type purchase: 1 valid, 0 invalid", valid.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_purchases_csv_is_converted_validated_and_imported_end_to_end()
    {
        var dataset = "cli-purchases-" + Guid.NewGuid().ToString("N")[..8];
        var csv = _files.File("purchases.csv", $"""
            {PurchaseHeader}
            jane@fake.com,2024-03-01T10:15:00Z,ecommerce,AUD,P-1,90.5,2,SKU-1,sku,10,1,SKU-2,sku,false
            joe@fake.com,2024-03-02T11:00:00Z,ecommerce,AUD,P-2,15,1,SKU-3,sku,,,,,true
            ann@fake.com,2024-03-03T09:30:00Z,ecommerce,AUD,P-3,-4,1,SKU-1,sku,,,,,
            """);
        var converted = _files.Combine("purchases.ndjson.gz");

        var convert = await IntakeProcess.RunAsync("convert", csv, "--record-type", "purchase", "-o", converted);
        var validate = await IntakeProcess.RunAsync("validate", "--record-type", "purchase", converted, "--json");
        await server.RunAsync("datasets", "create", dataset);
        var import = await server.RunAsync("import", converted, "--dataset", dataset, "--record-type", "purchase", "--wait", "--json");

        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.True(validate.ExitCode == 1, validate.ToString());
        var invalid = JsonDocument.Parse(validate.Stdout).RootElement.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((3, "products[0].price_paid"), (invalid.GetProperty("line").GetInt64(), invalid.GetProperty("field").GetString()));
        Assert.True(import.ExitCode == 1, import.ToString());
        var result = JsonDocument.Parse(import.Stdout).RootElement[0];
        Assert.Equal("purchase", result.GetProperty("record_type").GetString());
        Assert.Equal((3, 2, 1), (result.GetProperty("progress").GetProperty("records_read").GetInt64(),
            result.GetProperty("progress").GetProperty("records_written").GetInt64(), result.GetProperty("progress").GetProperty("records_rejected").GetInt64()));
        Assert.Equal(Normalize(invalid.GetRawText()), Normalize(result.GetProperty("errors")[0].GetRawText()));
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
