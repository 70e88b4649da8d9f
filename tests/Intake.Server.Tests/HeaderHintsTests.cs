using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// A header that fits nothing fails with <c>header_mismatch</c> saying what was read, what the nearest record type
/// needs and the likely cause; a delimiter that was not given is sniffed; what a load ignores or finds missing is
/// listed in the import's <c>warnings</c>.
/// </summary>
public abstract class HeaderHintsTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Theory]
    [InlineData(";", "")]
    [InlineData("\t", "")]
    [InlineData("|", "&format=csv")]
    public async Task A_delimiter_that_was_not_given_is_sniffed_and_named_in_a_warning(string delimiter, string query)
    {
        var dataset = "sniff-" + (int)delimiter[0];
        await _client.EnsureDatasetAsync(dataset);
        var csv = string.Join('\n', "id,type,name,metadata,media_url", "a,p,Apple,\"{\"\"n\"\": 1}\",", "b,p,\"Pear, ripe\",,").Replace(",", delimiter, StringComparison.Ordinal) + "\n";

        var import = await _client.ImportAsync(dataset, csv.Replace($"Pear{delimiter} ripe", "Pear, ripe", StringComparison.Ordinal), "?tags=x" + query);

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(2, (long)import["progress"]!["records_written"]!);
        var warning = Assert.Single(import["warnings"]!.AsArray());
        Assert.Equal("delimiter_detected", (string)warning!["code"]!);
        Assert.Contains($"separated by '{(delimiter == "\t" ? "tab" : delimiter)}'", (string)warning["message"]!);
        Assert.Equal("Pear, ripe", (string)(await _client.ExportAsync(dataset))[1]["name"]!);
    }

    [Fact]
    public async Task A_comma_file_has_no_delimiter_warning()
    {
        await _client.EnsureDatasetAsync("sniff-comma");

        var import = await _client.ImportAsync("sniff-comma", "id,type,name,metadata,media_url\na,p,\"A; B | C\",,\n");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Empty(import["warnings"]!.AsArray());
    }

    [Fact]
    public async Task A_wrong_delimiter_given_explicitly_fails_with_the_header_read_and_the_delimiter_to_use()
    {
        var message = await MismatchAsync("id;type;name;metadata;media_url\na;p;A;;\n", "?delimiter=,");

        Assert.StartsWith("The header fits no record type: it reads [id;type;name;metadata;media_url] (1 column split on ',').", message);
        Assert.Contains("The nearest record type, entity, needs id, type, name, metadata, media_url; missing: all of them.", message);
        Assert.EndsWith("Split on ';' instead, the header has the columns of entity: add delimiter=;.", message);
    }

    [Fact]
    public async Task A_tab_separated_file_read_with_another_delimiter_suggests_delimiter_tab()
    {
        var message = await MismatchAsync("type\tsource_id\ttarget_id\ttimestamp\tmetadata\nview\tu1\ti1\t2024-01-01T00:00:00Z\t\n", "?delimiter=;");

        Assert.EndsWith("Split on 'tab' instead, the header has the columns of interaction: add delimiter=tab.", message);
    }

    [Theory]
    [InlineData("[{\"id\": \"a\", \"type\": \"p\"}]", "looks like a JSON array read as CSV: send it with Content-Type: application/json (or format=json).")]
    [InlineData("{\"id\": \"a\", \"type\": \"p\"}\n", "looks like NDJSON read as CSV: send it with Content-Type: application/x-ndjson (or format=ndjson).")]
    public async Task A_json_body_sent_as_csv_suggests_the_json_content_type(string body, string hint)
    {
        var message = await MismatchAsync(body, "");

        Assert.EndsWith(hint, message);
    }

    [Fact]
    public async Task Every_required_column_of_the_nearest_type_is_named_with_what_is_missing()
    {
        var message = await MismatchAsync("id,type,label\n1,a,b\n", "");

        Assert.StartsWith("The header fits no record type: it reads [id, type, label] (3 columns split on ',').", message);
        Assert.Contains("The nearest record type, entity, needs id, type, name, metadata, media_url; missing: name, metadata, media_url.", message);
        Assert.Contains("Record type interaction needs type, source_id, target_id, timestamp, metadata; missing: source_id, target_id, timestamp, metadata.", message);
    }

    [Theory]
    [InlineData("\"itemId\",\"name\",\"price\"\n\"item01\",\"apple\",1.75\n", "text/csv", "item")]
    [InlineData("\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"u\",\"i\",1581681280254,\"givestars\",1\n", "text/csv", "user_item_interaction")]
    [InlineData("[{\"userId\": \"user01\", \"age\": 35}]", "application/json", "user")]
    public async Task A_table_batch_file_imported_with_auto_suggests_its_record_type(string body, string contentType, string recordType)
    {
        var message = await MismatchAsync(body, "", contentType);

        Assert.EndsWith($"It has the columns of record type {recordType}: import it with recordType={recordType}.", message);
    }

    [Theory]
    [InlineData("{\"id\":\"a\",}\n", "The first record fits no record type: it is not valid JSON (error at byte 10).")]
    [InlineData("[1, 2]", "The file fits no record type: none of its first 2 records is a JSON object; the first, on line 1, is not a JSON object.")]
    [InlineData("oops\n{\"id\":\n", "The file fits no record type: none of its first 2 records is a JSON object; the first, on line 1, is not valid JSON (error at byte 0).")]
    public async Task Json_without_an_object_to_detect_the_record_type_from_says_what_its_first_record_is(string body, string start)
    {
        var message = await MismatchAsync(body, "", body.StartsWith('[') ? "application/json" : "application/x-ndjson");

        Assert.StartsWith(start + " The nearest record type, entity, needs id, type; missing: all of them.", message);
    }

    [Theory]
    [InlineData("application/x-ndjson", "{\"id\": \"a\", \"type\": \"p\"}\n{\"id\": \"b\", \"type\": \"p\", \"name\": \"B\"}\n", "entity")]
    [InlineData("application/json", "[{\"type\": \"view\", \"source_id\": \"u\", \"target_id\": \"i\", \"timestamp\": \"2024-03-01T12:00:00Z\"}]", "interaction")]
    [InlineData("application/x-ndjson",
        "{\"id\": \"ev-1\", \"type\": \"view\", \"source_id\": \"u\", \"target_id\": \"i\", \"timestamp\": \"2024-03-01T12:00:00Z\", \"value\": 1}\n", "interaction")]
    public async Task Json_records_that_name_only_the_required_fields_are_detected_and_loaded(string contentType, string body, string recordType)
    {
        await _client.EnsureDatasetAsync("json-required-only");

        var import = await _client.ImportAsync("json-required-only", body, "", contentType);

        Assert.Equal(("completed", recordType), ((string)import["status"]!, (string)import["record_type"]!));
        Assert.Equal(body.Count(c => c == '\n') is 0 ? 1 : body.Count(c => c == '\n'), (long)import["progress"]!["records_written"]!);
    }

    [Fact]
    public async Task A_json_record_without_the_key_fields_names_them()
    {
        var message = await MismatchAsync("{\"id\": \"a\", \"name\": \"A\"}\n", "", "application/x-ndjson");

        Assert.StartsWith("The first record fits no record type: its properties are [id, name]. The nearest record type, entity, needs id, type; missing: type.", message);
        Assert.Contains("Record type interaction needs type, source_id, target_id, timestamp; missing: all of them.", message);
    }

    [Fact]
    public async Task A_column_named_like_a_required_one_is_pointed_out()
    {
        var message = await MismatchAsync("item_id,name\nitem01,apple\n", "?recordType=item");

        Assert.StartsWith("The header does not fit record type item: it reads [item_id, name] (2 columns split on ',').", message);
        Assert.Contains("Record type item needs itemId; missing: itemId.", message);
        Assert.EndsWith("Names must match (ignoring case): rename 'item_id' for 'itemId'.", message);
    }

    [Fact]
    public async Task The_data_batch_api_says_the_same()
    {
        using var response = await _client.Http.PostAsync("/data_batch", new StringContent("id;type;name;metadata;media_url\nd;p;D;;\n", Encoding.UTF8, "text/csv"));
        var batch = await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);

        Assert.Equal("completed", (string)batch["status"]!);
        var import = await _client.GetImportAsync((string)batch["batch_id"]!);
        Assert.Equal("delimiter_detected", (string)import["warnings"]![0]!["code"]!);
    }

    [Fact]
    public async Task A_header_only_file_completes_with_no_records_and_says_so()
    {
        await _client.EnsureDatasetAsync("header-only");

        var import = await _client.ImportAsync("header-only", "id,type,name,metadata,media_url\n");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(0, (long)import["progress"]!["records_read"]!);
        var warning = Assert.Single(import["warnings"]!.AsArray());
        Assert.Equal(("no_records", "The file holds no records after its header, so nothing was written."), ((string)warning!["code"]!, (string)warning["message"]!));
    }

    [Fact]
    public async Task Columns_no_record_type_uses_are_listed_as_ignored()
    {
        await _client.EnsureDatasetAsync("ignored-columns");

        // A repeat of a column the type reads fails the file (StrictInputTests); a repeat of one it ignores is listed once.
        var import = await _client.ImportAsync("ignored-columns", "id,type,name,metadata,media_url,price,colour,Price\na,p,A,,,1,red,2\n");

        Assert.Equal("completed", (string)import["status"]!);
        var warning = Assert.Single(import["warnings"]!.AsArray());
        Assert.Equal(("columns_ignored", "Record type entity does not use the columns price, colour, so they were ignored."),
            ((string)warning!["code"]!, (string)warning["message"]!));
    }

    [Fact]
    public async Task A_header_of_thousands_of_columns_is_named_by_its_first_twenty_in_warnings_and_errors()
    {
        await _client.EnsureDatasetAsync("wide-columns");
        var extra = Enumerable.Range(0, 5_000).Select(i => $"c{i}").Append(new string('w', 300)).ToList();
        var header = "id,type,name,metadata,media_url," + string.Join(',', extra);

        var import = await _client.ImportAsync("wide-columns", header + "\na,p,A,,," + string.Join(',', extra.Select(_ => "x")) + "\n");

        Assert.Equal("completed", (string)import["status"]!);
        var warning = (string)Assert.Single(import["warnings"]!.AsArray())!["message"]!;
        Assert.Equal("Record type entity does not use the columns " + string.Join(", ", extra.Take(20)) + " and 4,981 more, so they were ignored.", warning);

        var message = await MismatchAsync(string.Join(',', extra.AsEnumerable().Reverse()) + "\n" + string.Join(',', extra.Select(_ => "x")) + "\n", "");
        Assert.StartsWith($"The header fits no record type: it reads [{new string('w', 100)}…, c4999, c4998,", message);
        Assert.Contains(", c4981 and 4,981 more] (5001 columns split on ',').", message);
        Assert.True(message.Length < 2_000, $"{message.Length} characters");
    }

    private async Task<string> MismatchAsync(string body, string query, string contentType = "text/csv")
    {
        await _client.EnsureDatasetAsync("mismatch");
        var import = await _client.ImportAsync("mismatch", body, query, contentType);
        Assert.Equal("failed", (string)import["status"]!);
        Assert.Equal("header_mismatch", (string)import["error"]!["code"]!);
        Assert.Equal(0, (long)(await _client.CountsAsync("mismatch"))["total"]!);
        return (string)import["error"]!["message"]!;
    }
}

public sealed class SqliteHeaderHintsTests(SqliteServerFactory factory) : HeaderHintsTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresHeaderHintsTests(PostgresServerFactory factory) : HeaderHintsTests(factory), IClassFixture<PostgresServerFactory>;
