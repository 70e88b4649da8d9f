using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class DottedCsvToJsonTests
{
    [Fact]
    public void Dotted_headers_become_nested_objects_and_indexed_arrays()
    {
        var json = ConvertSingle("""
            link.email,action_at,products.0.price_paid,products.0.product_reference.id,products.1.price_paid,custom_fields.is_damaged
            jane@fake.com,2024-03-01T10:15:00Z,90.5,SKU-1,10,true
            """);

        Assert.Equal(
            """{"link":{"email":"jane@fake.com"},"action_at":"2024-03-01T10:15:00Z","products":[{"price_paid":90.5,"product_reference":{"id":"SKU-1"}},{"price_paid":10}],"custom_fields":{"is_damaged":true}}""",
            json);
    }

    [Fact]
    public void Empty_cells_are_absent_and_empty_branches_disappear()
    {
        var json = ConvertSingle("""
            a,b.c,b.d,list.0,list.1,list.2
            ,,,x,"",z
            """);

        Assert.Equal("""{"list":["x","z"]}""", json);
    }

    [Fact]
    public void Array_elements_follow_index_order_not_column_order()
    {
        Assert.Equal("""{"tags":["a","c","x"]}""", ConvertSingle("tags.2,tags.0,tags.10\nc,a,x\n"));
    }

    [Fact]
    public void Without_a_schema_unquoted_numbers_and_booleans_are_inferred_and_quoted_cells_stay_strings()
    {
        var json = ConvertSingle("""
            n,f,b,B,s,q,lead,nul
            42,-1.5e3,true,FALSE,abc,"42",007,null
            """);

        Assert.Equal("""{"n":42,"f":-1.5e3,"b":true,"B":false,"s":"abc","q":"42","lead":"007","nul":"null"}""", json);
    }

    [Fact]
    public void With_a_schema_cells_are_typed_by_their_path()
    {
        var schema = RecordSchemaTests.Compile("""
            {"type":"object","properties":{
              "postcode":{"type":"string"},"price":{"type":"number"},"qty":{"type":"integer"},"flag":{"type":"boolean"},
              "maybe":{"type":["integer","null"]},"open":{"type":"object"},
              "items":{"type":"array","items":{"type":"object","properties":{"n":{"type":"number"}}}},
              "byYear":{"type":"object","additionalProperties":{"type":"integer"}}}}
            """);

        var json = ConvertSingle("""
            postcode,price,qty,flag,maybe,open.x,items.0.n,byYear.2024,price2
            3182,9.5,abc,true,null,7,1,12,true
            """, schema.TypesAt);

        Assert.Equal(
            """{"postcode":"3182","price":9.5,"qty":"abc","flag":true,"maybe":null,"open":{"x":7},"items":[{"n":1}],"byYear":{"2024":12},"price2":true}""",
            json);
    }

    [Theory]
    [InlineData("a,a.b\n1,2\n", "a", "Columns [a] and [a.b] conflict: [a] cannot be both a value and an object or array.")]
    [InlineData("a.b,a\n2,1\n", "a", "Columns [a] and [a.b] conflict: [a] cannot be both a value and an object or array.")]
    [InlineData("x,x\n1,2\n", "x", "Columns 2 and 1 are both [x] and both have a value.")]
    [InlineData("p.0,p.name\n1,2\n", "p.0", "Columns [p.0] and [p.name] conflict: [p] cannot be both an array and an object.")]
    [InlineData("a..b\n1\n", "a..b", "Column [a..b] is not a valid dotted path: a segment is empty.")]
    public void Conflicting_cells_are_reported_as_a_row_problem(string csv, string column, string message)
    {
        var (header, rows) = TestCsv.Parse(csv);
        var converter = new DottedCsvToJson(header);
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);

        Assert.False(converter.TryWrite(rows[0].ToRow(), writer, out var problem));

        Assert.Equal(new CsvRowProblem(column, message), problem);
        writer.Flush();
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void An_index_past_nine_digits_under_an_array_is_named_as_such_and_a_key_of_digits_under_an_object_stays_a_key()
    {
        var schema = RecordSchemaTests.Compile("""
            {"type":"object","properties":{
              "items":{"type":"array","items":{"type":"object","properties":{"n":{"type":"number"}}}},
              "byId":{"type":"object","additionalProperties":{"type":"integer"}}}}
            """);
        var (header, rows) = TestCsv.Parse("items.0.n,items.4294967296.n,byId.12345678901\n1,2,3\n1,,3\n");
        var converter = new DottedCsvToJson(header, schema.TypesAt);
        var message = "Column [items.4294967296.n] is not a valid dotted path: [items] is an array, and 4294967296 is past its largest index, 999999999.";

        Assert.Equal([new CsvRowProblem("items.4294967296.n", message)], converter.HeaderConflicts());
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Assert.False(converter.TryWrite(rows[0].ToRow(), writer, out var problem));
            Assert.Equal(new CsvRowProblem("items.4294967296.n", message), problem);
        }

        Assert.Equal("""{"items":[{"n":1}],"byId":{"12345678901":3}}""", Convert(converter, rows[1]));
    }

    [Fact]
    public void A_conflict_matters_only_on_rows_where_both_cells_have_values()
    {
        var (header, rows) = TestCsv.Parse("a,a.b\n,2\n1,\n1,2\n");
        var converter = new DottedCsvToJson(header);

        var outcomes = rows.Select(r => Convert(converter, r)).ToList();

        Assert.Equal(["""{"a":{"b":2}}""", """{"a":1}""", null], outcomes);
    }

    [Fact]
    public void A_cell_that_is_not_utf8_is_a_row_problem_that_does_not_echo_it()
    {
        var converter = new DottedCsvToJson(["name"]);
        var row = new TestCsvRow([0xC3, 0x28], [new Intake.Core.Parsing.CsvField(0, 2, false)], 2);
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());

        Assert.False(converter.TryWrite(row.ToRow(), writer, out var problem));
        Assert.Equal("Column [name] is not valid UTF-8.", problem.Message);
    }

    [Fact]
    public void Text_is_escaped_as_json()
    {
        Assert.Equal("""{"note":"say \u0022hi\u0022, then\nleave"}""", ConvertSingle("note\n\"say \"\"hi\"\", then\nleave\"\n"));
    }

    private static string ConvertSingle(string csv, Func<string, JsonTypes>? typesAt = null)
    {
        var (header, rows) = TestCsv.Parse(csv);
        return Convert(new DottedCsvToJson(header, typesAt), Assert.Single(rows)) ?? throw new InvalidOperationException("Row problem");
    }

    private static string? Convert(DottedCsvToJson converter, TestCsvRow row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        if (!converter.TryWrite(row.ToRow(), writer, out _))
        {
            return null;
        }

        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
