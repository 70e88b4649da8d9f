using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Strict input (DESIGN 2.10): epoch times by magnitude or an explicit unit, the event-time window, invalid
/// UTF-8 and lone surrogates, lenient timestamps, non-finite numbers and ragged rows. Regressions of issue 11
/// item 1 and issue 14 items 2–4; each asserts what was stored, not only the counts.
/// </summary>
public abstract class StrictInputTests(IntakeServerFactory factory)
{
    private const string InteractionHeader = "type,source_id,target_id,timestamp,metadata\n";

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task A_dataset_takes_ten_thousand_attribute_names_and_rejects_records_that_would_add_more()
    {
        await _client.CreateDatasetAsync("attribute-limit");
        var rows = Enumerable.Range(0, 10_003).Select(i => $"view,u{i},p,2026-11-01T10:00:00Z,\"{{\"\"k{i}\"\": {i}}}\"");

        var import = await _client.ImportAsync("attribute-limit", InteractionHeader + string.Join('\n', rows) + "\n");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        Assert.Equal(10_000, (long)import["progress"]!["records_written"]!);
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal([10_002, 10_003, 10_004], errors.Select(e => (long)e["line"]!));
        Assert.All(errors, e => Assert.Equal("UnknownField", (string)e["code"]!));
        Assert.Equal("Attribute k10000 is new, and dataset attribute-limit has 10,000 attributes, the limit (Limits:MaxAttributes); " +
            "keep keys that vary from record to record (ids, dates) inside one object attribute instead.", (string)errors[0]["message"]!);
        Assert.Equal("k10000", (string)errors[0]["field"]!);

        // A later file: the known names load, a new one is rejected, and a declaration that adds one is refused.
        var again = await _client.ImportAsync("attribute-limit", InteractionHeader +
            "view,a,p,2026-11-02T10:00:00Z,\"{\"\"k5\"\": 1}\"\nview,b,p,2026-11-02T10:00:00Z,\"{\"\"fresh\"\": 1}\"\n");
        Assert.Equal((1L, 1L), ((long)again["progress"]!["records_written"]!, (long)again["progress"]!["records_rejected"]!));
        using var declared = await _client.Http.PatchAsJsonAsync("/v1/datasets/attribute-limit/schema", new { attributes = new { k5 = "integer", fresh = "string" } });
        Assert.Equal(HttpStatusCode.BadRequest, declared.StatusCode);
        Assert.Equal("Declaring 1 new attribute would give dataset attribute-limit 10,001; a dataset has at most 10,000 (Limits:MaxAttributes). " +
            "Nothing was declared.", (string)(await declared.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!);
        using var redeclared = await _client.Http.PatchAsJsonAsync("/v1/datasets/attribute-limit/schema", new { attributes = new { k5 = "integer" } });
        Assert.Equal(HttpStatusCode.OK, redeclared.StatusCode);
        using var schema = await _client.Http.GetAsync("/v1/datasets/attribute-limit/schema");
        Assert.Equal(10_000, (await schema.Content.ReadFromJsonAsync<JsonObject>())!["attribute_types"]!.AsObject().Count);
    }

    [Fact]
    public async Task Issue11_epoch_seconds_milliseconds_microseconds_and_nanoseconds_are_read_by_magnitude()
    {
        await _client.CreateDatasetAsync("epoch-units");
        var import = await _client.ImportAsync("epoch-units", InteractionHeader +
            "view,u1,s,1709294400,\n" +
            "view,u1,ms,1709294400123,\n" +
            "view,u1,us,1709294400123456,\n" +
            "view,u1,ns,1709294400123456789,\n");

        Assert.Equal("completed", (string)import["status"]!);
        var times = (await _client.ExportAsync("epoch-units")).ToDictionary(r => (string)r["target_id"]!, r => (string)r["timestamp"]!);
        Assert.Equal("2024-03-01T12:00:00.000Z", times["s"]);
        Assert.Equal("2024-03-01T12:00:00.123Z", times["ms"]);
        Assert.Equal("2024-03-01T12:00:00.123Z", times["us"]);
        Assert.Equal("2024-03-01T12:00:00.123Z", times["ns"]);
    }

    [Fact]
    public async Task Issue11_timestampUnit_overrides_the_magnitude_is_stored_with_the_import_and_a_wrong_one_says_so()
    {
        await _client.CreateDatasetAsync("explicit-unit");
        var import = await _client.ImportAsync("explicit-unit", InteractionHeader + "view,u1,a,1709294400000,\nview,u1,b,1709294400,\n",
            "?timestampUnit=milliseconds");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        Assert.Equal("milliseconds", (string)import["timestamp_unit"]!);
        Assert.Equal("2024-03-01T12:00:00.000Z", (string)Assert.Single(await _client.ExportAsync("explicit-unit"))["timestamp"]!);
        var error = Assert.Single(await _client.ErrorsAsync((string)import["id"]!));
        Assert.Equal(("TimestampOutOfRange", "timestamp", 3L), ((string)error["code"]!, (string)error["field"]!, (long)error["line"]!));
        var message = (string)error["message"]!;
        Assert.Contains("1970-01-20T18:48:14.400Z", message, StringComparison.Ordinal);
        Assert.Contains("from 1990-01-01T00:00:00.000Z", message, StringComparison.Ordinal);
        Assert.Contains("Read as seconds it would be 2024-03-01T12:00:00.000Z", message, StringComparison.Ordinal);
        Assert.Contains("timestampUnit=seconds", message, StringComparison.Ordinal);

        using var bad = await _client.Http.PostAsync("/v1/datasets/explicit-unit/imports?timestampUnit=ms",
            new StringContent(InteractionHeader, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await IntakeClient.ProblemAsync(bad);
        Assert.Equal("invalid_request", (string)problem["code"]!);
        Assert.Contains("seconds, milliseconds, microseconds, nanoseconds", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue11_a_url_import_and_an_upload_destination_carry_timestamp_unit_to_their_load()
    {
        await _client.CreateDatasetAsync("unit-elsewhere");
        await using var files = await LocalFileServer.StartAsync(new() { ["/seconds.csv"] = InteractionHeader + "view,u1,url,1709294400,\n" });
        using var fetch = await _client.Http.PostAsJsonAsync("/v1/datasets/unit-elsewhere/imports",
            new { url = files.Url("/seconds.csv"), timestamp_unit = "seconds" });
        var fetched = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(fetch, HttpStatusCode.Accepted))["id"]!);
        Assert.Equal(("completed", "seconds"), ((string)fetched["status"]!, (string)fetched["timestamp_unit"]!));

        using var create = await _client.Http.PostAsJsonAsync("/v1/uploads", new
        {
            filename = "micro.ndjson",
            destination = new { destination_type = "dataset_load", dataset_id = "unit-elsewhere", record_type = "interaction", timestamp_unit = "microseconds" },
        });
        var upload = await IntakeClient.ExpectAsync(create, HttpStatusCode.Created);
        using var body = new ByteArrayContent("""{"type":"view","source_id":"u1","target_id":"upload","timestamp":1709294400000000}"""u8.ToArray());
        using var put = await _client.Http.PutAsync((string)upload["url"]!, body);
        var uploaded = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(put, HttpStatusCode.OK))["id"]!);
        Assert.Equal(("completed", "microseconds"), ((string)uploaded["status"]!, (string)uploaded["timestamp_unit"]!));

        var times = (await _client.ExportAsync("unit-elsewhere")).ToDictionary(r => (string)r["target_id"]!, r => (string)r["timestamp"]!);
        Assert.Equal("2024-03-01T12:00:00.000Z", times["url"]);
        Assert.Equal("2024-03-01T12:00:00.000Z", times["upload"]);
    }

    [Fact]
    public async Task Issue14_out_of_range_epoch_values_are_rejected_and_the_export_stays_whole()
    {
        await _client.CreateDatasetAsync("epoch-extremes");
        var import = await _client.ImportAsync("epoch-extremes", InteractionHeader +
            "view,u1,ok,2024-03-01T12:00:00Z,\n" +
            "view,u1,a,-62135596800001,\n" +
            "view,u1,b,253402300800000,\n" +
            $"view,u1,c,{long.MinValue},\n" +
            $"view,u1,d,{long.MaxValue},\n" +
            "view,u1,e,99999999999999999999,\n" +
            $"view,u1,f,{DateTimeOffset.UtcNow.AddDays(3):yyyy-MM-ddTHH:mm:ssZ},\n" +
            "view,u1,g,1989-12-31T23:59:59Z,\n");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.Equal(("TimestampOutOfRange", "timestamp"), ((string)e["code"]!, (string)e["field"]!)));
        Assert.Contains("too large to be an epoch time", (string)errors[4]["message"]!, StringComparison.Ordinal);

        var exported = await _client.Http.GetStringAsync("/v1/datasets/epoch-extremes/export");
        Assert.Equal("ok", (string)JsonNode.Parse(exported.Trim())!["target_id"]!);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/datasets/epoch-extremes/export?kind=interaction");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await _client.Http.SendAsync(csvRequest);
        Assert.Equal(2, (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("10:00")]
    [InlineData("1.5")]
    [InlineData("3/4")]
    [InlineData("1 2 3")]
    [InlineData("May 2020")]
    [InlineData("01/02/2024")]
    [InlineData("1e12")]
    [InlineData("2024-03-01T25:00:00Z")]
    public async Task Issue14_timestamps_that_would_be_guesses_are_rejected_as_InvalidValue(string timestamp)
    {
        await _client.EnsureDatasetAsync("guesses");
        var import = await _client.ImportAsync("guesses", InteractionHeader + $"view,u1,i1,\"{timestamp}\",\nview,u1,i2,2024-03-01,\n");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        var error = Assert.Single(await _client.ErrorsAsync((string)import["id"]!));
        Assert.Equal(("InvalidValue", "timestamp", 2L), ((string)error["code"]!, (string)error["field"]!, (long)error["line"]!));
    }

    [Fact]
    public async Task Issue14_a_json_number_timestamp_with_a_fraction_and_non_finite_numbers_are_rejected()
    {
        await _client.CreateDatasetAsync("json-numbers");
        var import = await _client.ImportAsync("json-numbers",
            """
            {"type":"view","source_id":"u1","target_id":"fraction","timestamp":1.5}
            {"type":"view","source_id":"u1","target_id":"huge","timestamp":1709294400000,"metadata":{"score":1e999}}
            {"type":"view","source_id":"u1","target_id":"nested","timestamp":1709294400000,"metadata":{"scores":[1,2e400]}}
            {"type":"view","source_id":"u1","target_id":"fine","timestamp":1709294400000,"metadata":{"score":1e300}}
            """, "?recordType=interaction", "application/x-ndjson");

        Assert.True((string)import["status"]! == "completed_with_errors", import.ToJsonString());
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal(
            [("InvalidValue", "timestamp"), ("InvalidValue", "metadata.score"), ("InvalidValue", "metadata.scores[1]")],
            errors.Select(e => ((string)e["code"]!, (string)e["field"]!)));
        Assert.Equal("fine", (string)Assert.Single(await _client.ExportAsync("json-numbers"))["target_id"]!);

        await _client.CreateDatasetAsync("csv-numbers");
        var users = await _client.ImportAsync("csv-numbers", "userId,score,label\na,1e999,\nb,NaN,\nc,-Infinity,\nd,2.5,\"NaN\"\n", "?recordType=user");
        Assert.Equal(["a", "b", "c"], (await _client.ErrorsAsync((string)users["id"]!)).Select(e => (string)e["error_id"]!));
        var stored = Assert.Single(await _client.ExportAsync("csv-numbers"));
        Assert.Equal((2.5, "NaN"), ((double)stored["attributes"]!["score"]!, (string)stored["attributes"]!["label"]!));
    }

    [Fact]
    public async Task Issue14_rows_with_fewer_or_more_fields_than_the_header_are_both_malformed()
    {
        await _client.CreateDatasetAsync("ragged");
        var import = await _client.ImportAsync("ragged", "id,type,name,metadata,media_url\na,p,A,,\nb,p,B\nc,p,C,,,extra\nd,p,D,,\n");

        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal([(3L, "MalformedRecord"), (4L, "MalformedRecord")], errors.Select(e => ((long)e["line"]!, (string)e["code"]!)));
        Assert.Contains("3 fields where the header has 5", (string)errors[0]["message"]!, StringComparison.Ordinal);
        Assert.Contains("6 fields where the header has 5", (string)errors[1]["message"]!, StringComparison.Ordinal);
        Assert.Equal(["a", "d"], (await _client.ExportAsync("ragged")).Select(r => (string)r["id"]!).Order());
    }

    [Fact]
    public async Task A_malformed_first_json_line_is_rejected_on_its_line_and_the_records_after_it_load()
    {
        await _client.CreateDatasetAsync("first-line");
        const string view = "{\"type\":\"view\",\"source_id\":\"u\",\"target_id\":\"i\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"metadata\":{}}";
        var import = await _client.ImportAsync("first-line", "{\"type\":\"view\",\n[1]\n" + view + "\n" + view.Replace("\"i\"", "\"j\"", StringComparison.Ordinal) + "\n",
            "", "application/x-ndjson");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        Assert.Equal((4L, 2L, 2L), ((long)import["progress"]!["records_read"]!, (long)import["progress"]!["records_written"]!,
            (long)import["progress"]!["records_rejected"]!));
        Assert.Equal(
            [(1L, "MalformedRecord", "The record is not valid JSON (error at byte 14)."), (2L, "MalformedRecord", "The record is not a JSON object.")],
            (await _client.ErrorsAsync((string)import["id"]!)).Select(e => ((long)e["line"]!, (string)e["code"]!, (string)e["message"]!)));
        Assert.Equal(["i", "j"], (await _client.ExportAsync("first-line")).Select(r => (string)r["target_id"]!).Order());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/x-ndjson")]
    [InlineData("text/csv")]
    public async Task A_record_nested_deeper_than_the_limit_is_rejected_alone_saying_so(string contentType)
    {
        var dataset = "deep-" + contentType.Replace('/', '-');
        await _client.CreateDatasetAsync(dataset);
        var deep = new string('[', 70) + new string(']', 70);
        string Json(string id, string metadata) => $"{{\"id\":\"{id}\",\"type\":\"p\",\"name\":\"n\",\"metadata\":{metadata},\"media_url\":null}}";
        var body = contentType switch
        {
            "application/json" => $"[{Json("a", "{}")},\n{Json("b", $"{{\"x\":{deep}}}")},\n{Json("c", "{}")}]",
            "application/x-ndjson" => $"{Json("a", "{}")}\n{Json("b", $"{{\"x\":{deep}}}")}\n{Json("c", "{}")}\n",
            _ => $"id,type,name,metadata,media_url\na,p,n,,\nb,p,n,\"{{\"\"x\"\":{deep}}}\",\nc,p,n,,\n",
        };

        var import = await _client.ImportAsync(dataset, body, "", contentType);

        Assert.True((string)import["status"]! == "completed_with_errors", import.ToJsonString());
        var error = Assert.Single(await _client.ErrorsAsync((string)import["id"]!));
        Assert.Equal((contentType == "text/csv" ? 3L : 2L, "MalformedRecord"), ((long)error["line"]!, (string)error["code"]!));
        var subject = contentType == "text/csv" ? "Field [metadata]" : "The record";
        Assert.StartsWith($"{subject} nests objects and arrays more than 64 levels deep, the limit (at byte ", (string)error["message"]!, StringComparison.Ordinal);
        Assert.Equal(["a", "c"], (await _client.ExportAsync(dataset)).Select(r => (string)r["id"]!).Order());
    }

    [Fact]
    public async Task A_record_or_attributes_object_holding_a_name_twice_is_rejected_naming_it_rather_than_one_value_kept()
    {
        await _client.CreateDatasetAsync("repeated-names");
        string Entity(string id, string more) => $"{{\"id\":\"{id}\",\"type\":\"p\",\"name\":\"n\",\"media_url\":null,{more}}}";
        var ndjson = string.Join('\n',
            Entity("a", "\"metadata\":{},\"ID\":\"b\""),
            Entity("c", "\"metadata\":{\"k\":1,\"k\":2}"),
            Entity("d", "\"metadata\":{\"o\":{\"z\":1,\"z\":1}}"),
            Entity("e", "\"metadata\":{\"k\":1,\"o\":{\"z\":1},\"p\":{\"z\":2}}"),
            Entity("f", "\"metadata\":{},\"ignored\":1,\"ignored\":2")) + "\n";

        var import = await _client.ImportAsync("repeated-names", ndjson, "", "application/x-ndjson");

        Assert.Equal(
            [
                (1L, "MalformedRecord", "ID", "The record has the property [ID] twice; which of its values to keep would be a guess."),
                (2L, "MalformedRecord", "metadata.k", "Field [metadata] has the property [k] twice; which of its values to keep would be a guess."),
                (3L, "MalformedRecord", "metadata.o.z", "Field [metadata.o] has the property [z] twice; which of its values to keep would be a guess."),
            ],
            (await _client.ErrorsAsync((string)import["id"]!)).Select(e => ((long)e["line"]!, (string)e["code"]!, (string)e["field"]!, (string)e["message"]!)));
        Assert.Equal(["e", "f"], (await _client.ExportAsync("repeated-names")).Select(r => (string)r["id"]!).Order());

        var csv = await _client.ImportAsync("repeated-names", "id,type,name,metadata,media_url\ng,p,n,\"{\"\"k\"\":1,\"\"k\"\":1}\",\nh,p,n,\"{\"\"k\"\":1}\",\n");
        var error = Assert.Single(await _client.ErrorsAsync((string)csv["id"]!));
        Assert.Equal((2L, "metadata.k"), ((long)error["line"]!, (string)error["field"]!));

        var users = await _client.ImportAsync("repeated-names", "{\"userId\":\"u1\",\"color\":\"red\",\"color\":\"blue\"}\n{\"userId\":\"u2\",\"color\":\"red\"}\n",
            "?recordType=user", "application/x-ndjson");
        Assert.Equal("The record has the property [color] twice; which of its values to keep would be a guess.",
            (string)Assert.Single(await _client.ErrorsAsync((string)users["id"]!))["message"]!);
    }

    [Theory]
    [InlineData("id,type,name,metadata,media_url,ID\na,p,n,,,b\n", "", "The header names the column ID twice (columns 1 and 6), and record type entity reads it")]
    [InlineData("userId,color,Color\nu1,red,blue\n", "?recordType=user", "The header names the column Color twice (columns 2 and 3), and record type user reads it")]
    public async Task A_csv_header_naming_a_column_it_reads_twice_fails_the_file_and_writes_nothing(string csv, string query, string message)
    {
        await _client.EnsureDatasetAsync("repeated-columns");

        var import = await _client.ImportAsync("repeated-columns", csv, query);

        Assert.Equal(("failed", "malformed_file"), ((string)import["status"]!, (string)import["error"]!["code"]!));
        Assert.StartsWith(message, (string)import["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal(0, (long)(await _client.CountsAsync("repeated-columns"))["total"]!);
    }

    [Fact]
    public async Task A_repeated_column_no_record_type_reads_is_only_a_warning()
    {
        await _client.CreateDatasetAsync("repeated-unread");

        var import = await _client.ImportAsync("repeated-unread", "id,type,name,metadata,media_url,note,note\na,p,n,,,x,y\n");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal("columns_ignored", (string)Assert.Single(import["warnings"]!.AsArray())!["code"]!);
    }

    [Fact]
    public async Task Issue14_invalid_utf8_rejects_the_record_naming_the_field_and_stores_nothing_repaired()
    {
        await _client.CreateDatasetAsync("encoding");
        // Two ids that differ only in invalid bytes (an invalid sequence, an overlong form, a CESU-8 surrogate half).
        var csv = Concat("id,type,name,metadata,media_url\nok,p,Café,,\nx", Bytes(0xC3, 0x28), ",p,a,,\nx", Bytes(0xC0, 0xAF), ",p,b,,\n",
            "y,p,", Bytes(0xED, 0xA0, 0x80), ",,\nz,p,z,\"{\"\"k\"\":\"\"", Bytes(0xFF), "\"\"}\",\n");
        var import = await _client.UploadAsync("encoding", csv);
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        var errors = await _client.ErrorsAsync((string)done["id"]!);
        Assert.Equal(
            [(3L, "InvalidEncoding", "id"), (4L, "InvalidEncoding", "id"), (5L, "InvalidEncoding", "name"), (6L, "InvalidEncoding", "metadata")],
            errors.Select(e => ((long)e["line"]!, (string)e["code"]!, (string)e["field"]!)));
        var stored = Assert.Single(await _client.ExportAsync("encoding"));
        Assert.Equal("Café", (string)stored["name"]!);

        var json = Concat("{\"type\":\"view\",\"source_id\":\"u", Bytes(0xFE), "\",\"target_id\":\"t\",\"timestamp\":1709294400000}\n",
            "{\"type\":\"view\",\"source_id\":\"u\",\"target_id\":\"t\",\"timestamp\":1709294400000,\"metadata\":{\"note\":\"\\ud800\"}}\n",
            "{\"type\":\"view\",\"source_id\":\"u\",\"target_id\":\"pair\",\"timestamp\":1709294400000,\"metadata\":{\"note\":\"\\ud83d\\ude00\"}}\n");
        var ndjson = await _client.WaitForFinalAsync((string)(await _client.UploadAsync("encoding", json, "?recordType=interaction", "application/x-ndjson"))["id"]!);
        Assert.True((string)ndjson["status"]! == "completed_with_errors", ndjson.ToJsonString());
        Assert.Equal(
            [("InvalidEncoding", "source_id"), ("InvalidEncoding", "metadata.note")],
            (await _client.ErrorsAsync((string)ndjson["id"]!)).Select(e => ((string)e["code"]!, (string)e["field"]!)));
        Assert.Equal("😀", (string)(await _client.ExportAsync("encoding", "?kind=interaction")).Single()["attributes"]!["note"]!);
    }

    [Fact]
    public async Task A_nul_byte_in_stored_text_rejects_its_record_on_both_stores_and_a_tag_with_a_control_character_is_refused()
    {
        await _client.CreateDatasetAsync("nul-bytes");
        var csv = Concat("id,type,name,metadata,media_url\nok,p,Fine,,\na", Bytes(0x00), "b,p,A,,\nc,p,C", Bytes(0x00), ",,\n");
        var import = await _client.WaitForFinalAsync((string)(await _client.UploadAsync("nul-bytes", csv))["id"]!);
        var json = "{\"type\":\"view\",\"source_id\":\"u\\u0000\",\"target_id\":\"t\",\"timestamp\":1709294400000}\n" +
            "{\"type\":\"view\",\"source_id\":\"u\",\"target_id\":\"t\",\"timestamp\":1709294400000,\"metadata\":{\"note\":\"a\\u0000b\"}}\n";
        var ndjson = await _client.WaitForFinalAsync((string)(await _client.UploadAsync("nul-bytes", json, "?recordType=interaction", "application/x-ndjson"))["id"]!);
        using var tagged = await _client.Http.PostAsync("/v1/datasets/nul-bytes/imports?tags=a%01b", new StringContent("id,type,name,metadata,media_url\nt,p,T,,\n"));

        Assert.True((string)import["status"]! == "completed_with_errors", import.ToJsonString());
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal([(3L, "InvalidEncoding", "id"), (4L, "InvalidEncoding", "name")], errors.Select(e => ((long)e["line"]!, (string)e["code"]!, (string)e["field"]!)));
        Assert.StartsWith("Field [id] holds the byte 0x00 (NUL), which is not text", (string)errors[0]["message"]!);
        Assert.True((string)ndjson["status"]! == "completed_with_errors", ndjson.ToJsonString());
        Assert.Equal([("InvalidEncoding", "source_id")], (await _client.ErrorsAsync((string)ndjson["id"]!)).Select(e => ((string)e["code"]!, (string)e["field"]!)));
        Assert.Equal("a\0b", (string)(await _client.ExportAsync("nul-bytes", "?kind=interaction")).Single()["attributes"]!["note"]!);
        Assert.Equal(["ok"], (await _client.ExportAsync("nul-bytes", "?kind=entity")).Select(r => (string)r["id"]!));
        Assert.Equal(HttpStatusCode.BadRequest, tagged.StatusCode);
        Assert.Equal("Tag 'a\\u0001b' holds the control character U+0001; a tag is printable text.", (string)(await IntakeClient.ProblemAsync(tagged))["detail"]!);
    }

    [Fact]
    public async Task A_key_field_over_the_limit_rejects_its_record_on_both_stores_and_the_rest_load()
    {
        await _client.CreateDatasetAsync("long-keys");
        var longest = new string('k', 1024);
        var csv = "id,type,name,metadata,media_url\nshort,p,S,,\n" + longest + ",p,Longest,,\n" + new string('x', 9000) + ",p,Long,,\nb," +
            new string('t', 1025) + ",B,,\n";

        var import = await _client.ImportAsync("long-keys", csv);

        Assert.True((string)import["status"]! == "completed_with_errors", import.ToJsonString());
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal([(4L, "line:4", "InvalidValue", "id"), (5L, "line:5", "InvalidValue", "type")],
            errors.Select(e => ((long)e["line"]!, (string)e["error_id"]!, (string)e["code"]!, (string)e["field"]!)));
        Assert.Equal("Field [id] has 9,000 bytes; a type, id or target has at most 1,024.", (string)errors[0]["message"]!);
        Assert.Equal(["short", longest], (await _client.ExportAsync("long-keys")).Select(r => (string)r["id"]!).OrderBy(id => id.Length));
    }

    [Fact]
    public async Task Issue14_a_header_that_is_not_utf8_fails_the_import_with_invalid_encoding()
    {
        await _client.CreateDatasetAsync("bad-header-encoding");
        var import = await _client.UploadAsync("bad-header-encoding", Concat("id,type,na", Bytes(0xE9), "me,metadata,media_url\na,p,A,,\n"));
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal(("failed", "invalid_encoding"), ((string)done["status"]!, (string)done["error"]!["code"]!));
        Assert.Contains("column 3", (string)done["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal(0, (long)(await _client.CountsAsync("bad-header-encoding"))["total"]!);
    }

    [Fact]
    public async Task Issue11_cdp_action_at_has_the_window_and_date_of_birth_only_needs_a_real_date()
    {
        await _client.CreateDatasetAsync("cdp-window");
        var old = CdpExamples.Json("purchase").Replace("2024-03-01T10:15:00Z", "1970-01-01T00:00:00Z", StringComparison.Ordinal)
            .Replace("\"53059a\"", "\"old\"", StringComparison.Ordinal);
        var customer = CdpExamples.Json("customer_record").Replace("1985-02-17", "1901-01-01", StringComparison.Ordinal);
        var import = await UploadNdjsonAsync("cdp-window", "purchase", CdpExamples.Json("purchase") + "\n" + old + "\n");
        var customers = await UploadNdjsonAsync("cdp-window", "customer_record", customer + "\n");

        var error = Assert.Single(await _client.ErrorsAsync((string)import["id"]!));
        Assert.Equal(("TimestampOutOfRange", "action_at"), ((string)error["code"]!, (string)error["field"]!));
        Assert.Equal("completed", (string)customers["status"]!);
        var stored = await _client.ExportAsync("cdp-window", "?kind=entity");
        Assert.Equal("1901-01-01", (string)Assert.Single(stored)["attributes"]!["date_of_birth"]!);
    }

    [Fact]
    public async Task Issue11_the_compatibility_apis_read_epoch_seconds_and_refuse_what_the_native_api_refuses()
    {
        using var dataBatch = await _client.Http.PostAsync("/data_batch", new ByteArrayContent(Concat(
            InteractionHeader, "view,u1,seconds,1709294400,\nview,u1,old,0,\nview,u1,bad-", Bytes(0xC3), ",2024-03-01T12:00:00Z,\n")));
        var batch = await IntakeClient.ExpectAsync(dataBatch, HttpStatusCode.OK);
        Assert.Equal(1, (long)batch["num_interactions"]!);
        Assert.Equal(["TimestampOutOfRange", "InvalidEncoding"], batch["errors"]!.AsArray().Select(e => (string)e!["code"]!));

        await _client.CreateDatasetAsync("strict");
        await using var files = await LocalFileServer.StartAsync(new()
        {
            ["/interactions.json"] = """
                [{"userId":"user01","itemId":"item01","timestamp":1581681280,"interactionName":"givestars","value":1},
                 {"userId":"user01","itemId":"item02","timestamp":"3/4","interactionName":"givestars","value":2}]
                """,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/recomm/strict/interactions/batch")
        {
            Content = JsonContent.Create(new { url = files.Url("/interactions.json"), format = "json" }),
        };
        using var queued = await _client.Http.SendAsync(request);
        var requestId = (string)(await IntakeClient.ExpectAsync(queued, HttpStatusCode.Accepted))["requestId"]!;
        var import = await _client.WaitForFinalAsync(requestId);
        Assert.Equal("completed_with_errors", (string)import["status"]!);
        var error = Assert.Single(await _client.ErrorsAsync(requestId));
        Assert.Equal(("InvalidValue", "timestamp"), ((string)error["code"]!, (string)error["field"]!));
        Assert.Equal("2020-02-14T11:54:40.000Z", (string)Assert.Single(await _client.ExportAsync("strict", "?kind=interaction"))["timestamp"]!);
    }

    private async Task<JsonObject> UploadNdjsonAsync(string dataset, string recordType, string body)
    {
        using var create = await _client.Http.PostAsJsonAsync("/v1/uploads", new
        {
            filename = recordType + ".ndjson",
            destination = new { destination_type = "dataset_load", dataset_id = dataset, record_type = recordType },
        });
        var upload = await IntakeClient.ExpectAsync(create, HttpStatusCode.Created);
        using var content = new StringContent(body, Encoding.UTF8);
        using var put = await _client.Http.PutAsync((string)upload["url"]!, content);
        return await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(put, HttpStatusCode.OK))["id"]!);
    }

    private static byte[] Bytes(params byte[] bytes) => bytes;

    private static byte[] Concat(params object[] parts) =>
        parts.SelectMany(p => p is string text ? Encoding.UTF8.GetBytes(text) : (byte[])p).ToArray();
}

public sealed class SqliteStrictInputTests(SqliteServerFactory factory) : StrictInputTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresStrictInputTests(PostgresServerFactory factory) : StrictInputTests(factory), IClassFixture<PostgresServerFactory>;
