using System.Text.Json;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class CdpSchemaTests
{
    [Fact]
    public void Types_at_a_path_come_from_the_schema_or_are_open()
    {
        var schema = CdpRecordTypes.All.OfType<SchemaRecordType>().Single(t => t.Name == "purchase").Schema;

        Assert.Equal(JsonTypes.Number | JsonTypes.Integer, schema.TypesAt("products.0.price_paid"));
        Assert.Equal(JsonTypes.Integer, schema.TypesAt("products.3.quantity"));
        Assert.Equal(JsonTypes.String, schema.TypesAt("link.email"));
        Assert.Equal(JsonTypes.String, schema.TypesAt("store.type"));
        Assert.Equal(JsonTypes.Array, schema.TypesAt("products"));
        Assert.Equal(JsonTypes.Any, schema.TypesAt("custom_fields.is_damaged"));
        Assert.Equal(JsonTypes.Any, schema.TypesAt("not_declared"));
        Assert.Equal(JsonTypes.None, schema.TypesAt("link.unknown"));
    }

    [Fact]
    public void Validating_a_valid_record_allocates_nothing_for_errors()
    {
        // A private copy: the shared type's pattern Regex hands a second runner to a thread that matches while
        // another test's thread holds the cached one, which would show up here as an allocation.
        using var stream = typeof(RecordSchema).Assembly.GetManifestResourceStream("Intake.Core.Schemas.Definitions.purchase.json")!;
        using var schemaDocument = JsonDocument.Parse(stream);
        var schema = RecordSchema.Compile(schemaDocument.RootElement);
        using var document = JsonDocument.Parse(CdpExamples.Json("purchase"));
        schema.Validate(document.RootElement, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            schema.Validate(document.RootElement, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
