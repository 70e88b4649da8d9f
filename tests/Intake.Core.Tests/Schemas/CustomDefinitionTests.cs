using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class CustomDefinitionTests
{
    private const string LoyaltyEvent = """
        {
          "kind": "interaction",
          "description": "Points earned or spent",
          "schema": {
            "type": "object",
            "properties": {
              "member": { "oneOf": [ { "$ref": "#/$defs/ByEmail" }, { "$ref": "#/$defs/ByCard" } ] },
              "at": { "type": "integer", "minimum": 0 },
              "event_id": { "type": "string" },
              "points": { "type": "integer" }
            },
            "required": ["member", "at", "points"],
            "$defs": {
              "ByEmail": { "type": "object", "properties": { "email": { "type": "string", "format": "email" } }, "required": ["email"], "additionalProperties": false },
              "ByCard": { "type": "object", "properties": { "card": { "type": "string" } }, "required": ["card"], "additionalProperties": false }
            }
          },
          "key": { "source": "member", "target": "event_id", "timestamp": "at" },
          "personal": ["member.email"]
        }
        """;

    [Fact]
    public void A_custom_interaction_compiles_validates_and_keys()
    {
        var type = Define("loyalty", LoyaltyEvent);

        var run = RecordTypeRun.Json(type,
            """{"member":{"email":"jane.personal@fake.com"},"at":1700000000000,"event_id":"EV-1","points":5}""",
            """{"member":{"card":"C-9"},"at":1700000000001,"points":-5}""",
            """{"member":{"card":"C-9"},"at":-1,"points":1}""");

        Assert.Equal(RecordKind.Interaction, type.Kind);
        Assert.Equal(["member", "at", "points"], type.RequiredColumns);
        Assert.Equal(
            [("email:jane.personal@fake.com", "EV-1", 1700000000000L), ("card:C-9", "", 1700000000001L)],
            run.Records.Select(r => (r.Id!, r.TargetId!, r.Timestamp)));
        Assert.Equal("Field [at] must be greater than or equal to 0.", Assert.Single(run.Rejections).Message);
        Assert.StartsWith("email:sha256:", run.DescribeKey(0), StringComparison.Ordinal);
        Assert.StartsWith("card:C-9/", run.DescribeKey(1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_entity_with_a_personal_id_hashes_it_in_error_ids()
    {
        var type = Define("subscriber", """
            {"kind":"entity","schema":{"type":"object","properties":{"phone":{"type":"string"}},"required":["phone"]},
             "key":{"id":"phone"},"personal":["phone"]}
            """);

        var run = RecordTypeRun.Json(type, """{"phone":"61491570006"}""");

        Assert.Equal("61491570006", run.Single.Id);
        Assert.Matches("^subscriber/sha256:[0-9a-f]{12}$", run.DescribeKey(0));
        Assert.DoesNotContain(CdpExamples.Mobile, run.AlreadyExistsMessage(0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"thing","schema":{"type":"object"},"key":{"id":"a"}}""", "Definition member [kind] must be")]
    [InlineData("""{"schema":{"type":"object"},"key":{"id":"a"}}""", "Definition member [kind] is required")]
    [InlineData("""{"kind":"entity","key":{"id":"a"}}""", "Definition member [schema] is required")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}}}""", "Definition member [key] is required")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{}}""", "Key member [id] is required")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{"id":"b"}}""", "Key path [b] of [id] is not a property declared by the schema")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{"id":"a","source":"a"}}""", "Key member [source] does not apply to an entity")]
    [InlineData("""{"kind":"interaction","schema":{"type":"object","properties":{"a":{"type":"string"},"t":{"type":"boolean"}}},"key":{"source":"a","timestamp":"t"}}""", "Key path [t] of [timestamp] must be a date-time string or an integer epoch time")]
    [InlineData("""{"kind":"interaction","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{"source":"a"}}""", "Key member [timestamp] is required")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"object"}}},"key":{"id":"a"}}""", "Key path [a] names an object, but its form")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{"id":"a"},"personal":["nope"]}""", "Personal path [nope] is not a property declared by the schema")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"strng"}}},"key":{"id":"a"}}""", "Schema type [strng]")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","properties":{"a":{"$ref":"#/definitions/A"}}},"key":{"id":"a"}}""", "points to nothing")]
    [InlineData("""{"kind":"entity","schema":{"type":"object","if":{}},"key":{"id":"a"}}""", "Schema keyword [if] at [#] is not supported")]
    [InlineData("""{"kind":"entity","schema":{"type":"object"},"key":{"id":"a"},"extra":1}""", "Definition member [extra] is not known")]
    [InlineData("""{"kind":"entity",""", "The record type definition is not valid JSON")]
    public void A_bad_definition_is_refused_as_an_invalid_schema(string definition, string messagePart)
    {
        var error = Assert.Throws<IntakeException>(() => Define("custom", definition));

        Assert.Equal(ErrorCodes.InvalidSchema, error.Code);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("has space")]
    public void A_bad_name_is_refused(string name)
    {
        var error = Assert.Throws<IntakeException>(() => Define(name, """{"kind":"entity","schema":{"type":"object","properties":{"a":{"type":"string"}}},"key":{"id":"a"}}"""));

        Assert.Equal(ErrorCodes.InvalidSchema, error.Code);
    }

    private static SchemaRecordType Define(string name, string definition) =>
        SchemaRecordType.FromDefinition(name, Encoding.UTF8.GetBytes(definition));
}
