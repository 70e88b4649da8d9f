using Intake.Core.Jobs;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class SchemaCompilerTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"text"}}}""", "Schema type [text] at [#/properties/a] is not a JSON Schema type")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/definitions/Nope"}}}""", "$ref [#/definitions/Nope] at [#/properties/a] points to nothing")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"other.json#/x"}}}""", "$ref [other.json#/x] at [#/properties/a] is not supported")]
    [InlineData("""{"type":"object","patternProperties":{"^x":{}}}""", "Schema keyword [patternProperties] at [#] is not supported")]
    [InlineData("""{"type":"object","properties":{"a":{"if":{},"then":{}}}}""", "Schema keyword [if] at [#/properties/a] is not supported")]
    [InlineData("""{"type":"object","properties":{"a":{"not":{}}}}""", "Schema keyword [not] at [#/properties/a] is not supported")]
    [InlineData("""{"type":"object","properties":{"a":{"uniqueItems":true}}}""", "Schema keyword [uniqueItems] at [#/properties/a] is not supported")]
    [InlineData("""{"type":"object","properties":{"a":{"items":[{}]}}}""", "Schema keyword [items] at [#/properties/a] is an array")]
    [InlineData("""{"type":"object","properties":{"a":{"format":"ipv4"}}}""", "Schema keyword [format] at [#/properties/a] must be one of")]
    [InlineData("""{"type":"object","properties":{"a":{"pattern":"(?<=a)b"}}}""", "Schema keyword [pattern] at [#/properties/a] uses a construct")]
    [InlineData("""{"type":"object","properties":{"a":{"pattern":"(unclosed"}}}""", "Schema keyword [pattern] at [#/properties/a] is not a valid regular expression")]
    [InlineData("""{"type":"object","properties":{"a":{"minLength":-1}}}""", "Schema keyword [minLength] at [#/properties/a] must be a non-negative integer")]
    [InlineData("""{"type":"object","properties":{"a":{"exclusiveMaximum":true}}}""", "Schema keyword [exclusiveMaximum] at [#/properties/a] must be a number")]
    [InlineData("""{"type":"object","properties":{"a":{"anyOf":[]}}}""", "Schema keyword [anyOf] at [#/properties/a] must be a non-empty array")]
    [InlineData("""{"type":"object","properties":{"a":{"definitions":{}}}}""", "Schema keyword [definitions] at [#/properties/a] is only supported at the root")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"$ref":"#/$defs/B"},"B":{"allOf":[{"$ref":"#/$defs/A"}]}}}""", "refers to itself")]
    [InlineData("""{"type":"string"}""", "must describe a JSON object")]
    [InlineData("""{"type":"object","properties":{"a":3}}""", "The schema at [#/properties/a] must be an object or a boolean")]
    [InlineData("""{"type":"object",""", "The schema is not valid JSON")]
    public void An_unsupported_or_broken_schema_is_refused_with_a_precise_message(string schema, string messagePart)
    {
        var error = Assert.Throws<IntakeException>(() => RecordSchemaTests.Compile(schema));

        Assert.Equal(ErrorCodes.InvalidSchema, error.Code);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_and_extension_keywords_are_ignored()
    {
        var schema = RecordSchemaTests.Compile("""
            {"$schema":"http://json-schema.org/draft-07/schema#","$id":"x","title":"T","description":"d","type":"object",
             "x-intake-note":"anything","properties":{"a":{"type":"string","examples":["e"],"default":"d","deprecated":true,"$comment":"c"}}}
            """);

        Assert.True(RecordSchemaTests.Validate(schema, """{"a":"x"}""", out _));
    }
}
