using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Intake.Cli.Tests;

/// <summary><c>intake convert</c> run as a process on files covering each rule of issue 12.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Dotted_columns_become_one_object_wherever_they_stand_and_empty_cells_are_absent()
    {
        var input = _files.File("customers.csv", """
            link.email,first_name,link.system_name
            jane@fake.com,Jane,crm
            joe@fake.com,,
            """);

        var run = await IntakeProcess.RunAsync("convert", input);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            ["""{"link":{"email":"jane@fake.com","system_name":"crm"},"first_name":"Jane"}""", """{"link":{"email":"joe@fake.com"}}"""],
            Lines(run.Stdout));
    }

    [Fact]
    public async Task Numeric_segments_build_arrays_in_index_order_without_gaps()
    {
        var input = _files.File("orders.csv", """
            purchase_id,products.1.sku,products.0.sku,products.0.quantity,products.3.sku
            P-1,B,A,2,D
            P-2,,A,,
            """);

        var run = await IntakeProcess.RunAsync("convert", input);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            ["""{"purchase_id":"P-1","products":[{"sku":"A","quantity":"2"},{"sku":"B"},{"sku":"D"}]}""", """{"purchase_id":"P-2","products":[{"sku":"A"}]}"""],
            Lines(run.Stdout));
    }

    [Fact]
    public async Task With_a_record_type_values_take_the_schemas_types_and_without_one_they_stay_strings()
    {
        var input = _files.File("purchases.csv", """
            link.email,action_at,type,purchase_id,products.0.price_paid,products.0.quantity,custom_fields.is_damaged
            jane@fake.com,2024-03-01T10:15:00Z,ecommerce,53059,90.5,2,true
            """);

        var typed = await IntakeProcess.RunAsync("convert", input, "--record-type", "purchase");
        var untyped = await IntakeProcess.RunAsync("convert", input);

        Assert.True(typed.ExitCode == 0, typed.ToString());
        var record = JsonNode.Parse(typed.Stdout)!;
        Assert.Equal(JsonValueKind.Number, record["products"]![0]!["price_paid"]!.GetValueKind());
        Assert.Equal(2, (int)record["products"]![0]!["quantity"]!);
        Assert.True((bool)record["custom_fields"]!["is_damaged"]!);
        Assert.Equal("53059", (string)record["purchase_id"]!);
        Assert.Equal("2024-03-01T10:15:00Z", (string)record["action_at"]!);
        var strings = JsonNode.Parse(untyped.Stdout)!;
        Assert.Equal("90.5", (string)strings["products"]![0]!["price_paid"]!);
        Assert.Equal("true", (string)strings["custom_fields"]!["is_damaged"]!);
    }

    [Fact]
    public async Task Colliding_columns_stop_the_conversion_naming_both_and_write_nothing()
    {
        var input = _files.File("collide.csv", """
            link,first_name,link.email
            a,Jane,jane@fake.com
            """);
        var output = _files.Combine("collide.ndjson");

        var run = await IntakeProcess.RunAsync("convert", input, "-o", output);
        var repeated = await IntakeProcess.RunAsync("convert", _files.File("twice.csv", "email,email\na,b\n"));
        var shapes = await IntakeProcess.RunAsync("convert", _files.File("shapes.csv", "products.0.sku,products.name\na,b\n"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error header_mismatch:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Columns [link] and [link.email] conflict", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
        Assert.Equal(2, repeated.ExitCode);
        Assert.Contains("Columns 1 and 2 are both [email]", repeated.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, shapes.ExitCode);
        Assert.Contains("Columns [products.0.sku] and [products.name] conflict", shapes.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bom_or_utf16_input_converts_like_plain_utf8_and_any_delimiter_works()
    {
        const string Text = "link.email;first_name\njane@fake.com;Zoë\n";
        var plain = _files.File("plain.csv", Encoding.UTF8.GetBytes(Text));
        var bom = _files.File("bom.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Text)]);
        var utf16 = _files.File("utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Text)]);
        var tabbed = _files.File("tabbed.tsv", Text.Replace(';', '\t'));

        var runs = new[]
        {
            await IntakeProcess.RunAsync("convert", plain, "--delimiter", ";"),
            await IntakeProcess.RunAsync("convert", bom, "--delimiter", ";"),
            await IntakeProcess.RunAsync("convert", utf16, "--delimiter", ";"),
            await IntakeProcess.RunAsync("convert", tabbed, "--delimiter", "tab"),
        };

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.All(runs, run => Assert.Equal(["""{"link":{"email":"jane@fake.com"},"first_name":"Zoë"}"""], Lines(run.Stdout)));
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_line_and_column_while_the_rest_convert()
    {
        var input = _files.File("rows.csv", "link.email,first_name\njane@fake.com,Jane\nshort\njoe@fake.com,Joe,extra\nann@fake.com,Ann\n");
        byte[] invalidUtf8 = [.. "link.email,first_name\n"u8, .. "x@fake.com,"u8, 0xC3, 0x28, (byte)'\n', .. "ok@fake.com,Ok\n"u8];
        var invalid = _files.File("latin.csv", invalidUtf8);
        var errors = _files.Combine("errors.ndjson");

        var run = await IntakeProcess.RunAsync("convert", input, "--errors", errors);
        var json = await IntakeProcess.RunAsync("convert", invalid, "--json", "-o", _files.Combine("latin.ndjson"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(2, Lines(run.Stdout).Length);
        Assert.Contains("line 3: The row has 1 fields; the header has 2.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 4: The row has 3 fields; the header has 2.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal([3L, 4L], Lines(File.ReadAllText(errors)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("line").GetInt64()));
        Assert.True(json.ExitCode == 1, json.ToString());
        var summary = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal((2, 1, 1), (summary.GetProperty("rows").GetInt64(), summary.GetProperty("written").GetInt64(), summary.GetProperty("rejected").GetInt64()));
        var error = summary.GetProperty("errors")[0];
        Assert.Equal((2, "first_name"), (error.GetProperty("line").GetInt64(), error.GetProperty("column").GetString()));
        Assert.Contains("not valid UTF-8", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_output_is_ndjson_gz_and_a_name_ending_in_gz_compresses_too()
    {
        var input = _files.File("c.csv", "link.email\na@fake.com\nb@fake.com\n");
        var flagged = _files.Combine("flagged.out");
        var named = _files.Combine("named.ndjson.gz");

        var first = await IntakeProcess.RunAsync("convert", input, "-o", flagged, "--gzip");
        var second = await IntakeProcess.RunAsync("convert", input, "-o", named);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        foreach (var path in new[] { flagged, named })
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            Assert.Equal(["""{"link":{"email":"a@fake.com"}}""", """{"link":{"email":"b@fake.com"}}"""], Lines(new StreamReader(gzip).ReadToEnd()));
        }
    }

    internal static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
