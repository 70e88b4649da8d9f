using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class RecordSchemaTests
{
    [Theory]
    [InlineData("""{"type":"integer"}""", "2", true)]
    [InlineData("""{"type":"integer"}""", "2.0", true)]
    [InlineData("""{"type":"integer"}""", "2.5", false)]
    [InlineData("""{"type":"number"}""", "2.5", true)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "1", false)]
    [InlineData("""{"type":"boolean"}""", "\"true\"", false)]
    [InlineData("""{"enum":[1,"a",null,{"k":[1]}]}""", "1.0", true)]
    [InlineData("""{"enum":[1,"a",null,{"k":[1]}]}""", """{"k":[1]}""", true)]
    [InlineData("""{"enum":[1,"a",null,{"k":[1]}]}""", "\"b\"", false)]
    [InlineData("""{"const":"x"}""", "\"x\"", true)]
    [InlineData("""{"const":"x"}""", "\"y\"", false)]
    [InlineData("""{"minLength":2,"maxLength":3}""", "\"é€\"", true)]
    [InlineData("""{"minLength":2,"maxLength":3}""", "\"😀😀😀😀\"", false)]
    [InlineData("""{"pattern":"b+"}""", "\"abba\"", true)]
    [InlineData("""{"pattern":"^b+$"}""", "\"abba\"", false)]
    [InlineData("""{"pattern":"^b+$"}""", "\"bb\\n\"", false)]
    [InlineData("""{"pattern":"^b+$"}""", "\"bb\"", true)]
    [InlineData("""{"pattern":"^[$]+\\$$"}""", "\"$$$\"", true)]
    [InlineData("""{"pattern":"^[^]$]+$"}""", "\"ab\"", true)]
    [InlineData("""{"pattern":"^[^]$]+$"}""", "\"a$\"", false)]
    [InlineData("""{"pattern":"^\\d+$"}""", "\"0123456789\"", true)]
    [InlineData("""{"pattern":"^\\d+$"}""", "\"١٢٣\"", false)]
    [InlineData("""{"pattern":"^[\\d-]+$"}""", "\"12-३\"", false)]
    [InlineData("""{"pattern":"^\\w+$"}""", "\"abc_09\"", true)]
    [InlineData("""{"pattern":"^\\w+$"}""", "\"café\"", false)]
    [InlineData("""{"pattern":"^\\D+$"}""", "\"é٣\"", true)]
    [InlineData("""{"pattern":"^\\W$"}""", "\"é\"", true)]
    [InlineData("""{"pattern":"^\\\\d$"}""", "\"\\\\d\"", true)]
    [InlineData("""{"minItems":1,"maxItems":2,"items":{"type":"string"}}""", "[\"a\"]", true)]
    [InlineData("""{"minItems":1,"maxItems":2,"items":{"type":"string"}}""", "[]", false)]
    [InlineData("""{"minimum":0,"exclusiveMaximum":10}""", "10", false)]
    [InlineData("""{"minimum":0,"maximum":10,"exclusiveMaximum":true}""", "10", false)]
    [InlineData("""{"exclusiveMinimum":0}""", "0", false)]
    [InlineData("""{"exclusiveMinimum":0}""", "\"not a number\"", true)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":0}]}""", "-1", true)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":0}]}""", "1", false)]
    [InlineData("""{"allOf":[{"type":"integer"},{"minimum":0}]}""", "-1", false)]
    [InlineData("""{"anyOf":[{"type":"integer"},{"type":"string"}]}""", "true", false)]
    [InlineData("false", "1", false)]
    [InlineData("true", "1", true)]
    public void Keywords_follow_json_schema_semantics(string fieldSchema, string value, bool valid)
    {
        var schema = Compile($$$"""{"type":"object","properties":{"f":{{{fieldSchema}}}}}""");

        Assert.Equal(valid, Validate(schema, $$$"""{"f":{{{value}}}}""", out _));
    }

    [Theory]
    [InlineData("date-time", "2024-02-29T23:59:59Z", true)]
    [InlineData("date-time", "2024-02-29T23:59:59.123456+05:30", true)]
    [InlineData("date-time", "2024-02-29t23:59:59z", true)]
    [InlineData("date-time", "2023-02-29T10:00:00Z", false)]
    [InlineData("date-time", "2024-02-29T10:00:00", false)]
    [InlineData("date-time", "2024-02-29 10:00:00Z", false)]
    [InlineData("date-time", "2024-02-29T24:00:00Z", false)]
    [InlineData("date-time", "2024-02-29T10:00:60Z", false)]
    [InlineData("date-time", "2024-02-29T10:00Z", false)]
    [InlineData("date-time", "2024-02-29T10:00:00+0530", false)]
    [InlineData("date-time", "2024-02-29", false)]
    [InlineData("date", "2023-07-28", true)]
    [InlineData("date", "2023-7-28", false)]
    [InlineData("date", "2023-06-31", false)]
    [InlineData("date", "28/07/2023", false)]
    [InlineData("email", "jane@fake.com", true)]
    [InlineData("email", "jane fake.com", false)]
    [InlineData("email", "jane@", false)]
    [InlineData("uri", "https://fake.com/a.jpg", true)]
    [InlineData("uri", "mailto:jane@fake.com", true)]
    [InlineData("uri", "fake.com/a.jpg", false)]
    [InlineData("uri", "https://fake.com/a b.jpg", false)]
    public void Formats_are_checked(string format, string value, bool valid)
    {
        var schema = Compile("""{"type":"object","properties":{"f":{"type":"string","format":"FORMAT"}}}""".Replace("FORMAT", format, StringComparison.Ordinal));

        Assert.Equal(valid, Validate(schema, JsonSerializer.Serialize(new { f = value }), out var violation));
        Assert.True(valid || violation.Message.StartsWith("Field [f] must be a", StringComparison.Ordinal), violation.Message);
    }

    [Fact]
    public void The_first_error_follows_schema_order_not_document_order()
    {
        var schema = Compile("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a","b","c"]}""");

        Validate(schema, """{"b":1,"a":2}""", out var both);
        Validate(schema, """{"a":"x","b":"y"}""", out var missingExtra);

        Assert.Equal("a", both.Field);
        Assert.Equal(RecordErrorCodes.InvalidType, both.Code);
        Assert.Equal("Missing required field [c].", missingExtra.Message);
    }

    [Fact]
    public void Paths_name_array_indexes_and_additional_properties()
    {
        var schema = Compile("""
            {"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/$defs/Item"}},
             "tags":{"type":"object","additionalProperties":{"type":"array","items":{"type":"string"}}}},
             "$defs":{"Item":{"type":"object","properties":{"n":{"type":"integer","minimum":1}},"required":["n"]}}}
            """);

        Validate(schema, """{"items":[{"n":1},{"n":0}]}""", out var bound);
        Validate(schema, """{"items":[{"n":1},{}]}""", out var missing);
        Validate(schema, """{"tags":{"colour":["red",7]}}""", out var additional);

        Assert.Equal(new SchemaViolation(RecordErrorCodes.InvalidValue, "items[1].n", "Field [items[1].n] must be greater than or equal to 1."), bound);
        Assert.Equal(new SchemaViolation(RecordErrorCodes.MissingField, "items[1].n", "Missing required field [items[1].n]."), missing);
        Assert.Equal(new SchemaViolation(RecordErrorCodes.InvalidType, "tags.colour[1]", "Field [tags.colour[1]] must be a string."), additional);
    }

    [Fact]
    public void A_recursive_reference_through_a_property_validates_nested_data()
    {
        var schema = Compile("""
            {"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["name"]}
            """);

        Assert.True(Validate(schema, """{"name":"a","children":[{"name":"b","children":[]}]}""", out _));
        Assert.False(Validate(schema, """{"name":"a","children":[{"name":"b","children":[{}]}]}""", out var violation));
        Assert.Equal("children[0].children[0].name", violation.Field);
    }

    [Fact]
    public void Forms_that_can_overlap_are_described_as_at_least_one()
    {
        var schema = Compile("""
            {"type":"object","properties":{"v":{"anyOf":[{"title":"small","type":"integer","maximum":0},{"title":"large","type":"integer","minimum":5}]}}}
            """);

        Validate(schema, """{"v":2}""", out var violation);

        Assert.Equal("Field [v] must match at least one of the allowed forms: small, large.", violation.Message);
    }

    [Fact]
    public void A_value_only_one_form_can_take_reports_that_forms_error()
    {
        var schema = Compile("""{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer","minimum":5}]}}}""");

        Validate(schema, """{"v":2}""", out var violation);

        Assert.Equal("Field [v] must be greater than or equal to 5.", violation.Message);
    }

    [Fact]
    public void A_value_matching_two_forms_of_a_one_of_is_rejected()
    {
        var schema = Compile("""{"type":"object","properties":{"v":{"oneOf":[{"type":"integer"},{"minimum":0}]}}}""");

        Validate(schema, """{"v":3}""", out var violation);

        Assert.Equal("Field [v] must match exactly one of the allowed forms, but matches several: an integer, form 2.", violation.Message);
    }

    internal static RecordSchema Compile(string schema) => RecordSchema.Compile(Encoding.UTF8.GetBytes(schema));

    internal static bool Validate(RecordSchema schema, string record, out SchemaViolation violation)
    {
        using var document = JsonDocument.Parse(record);
        return schema.Validate(document.RootElement, out violation);
    }
}
