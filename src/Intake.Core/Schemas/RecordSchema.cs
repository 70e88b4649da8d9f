using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// A compiled record schema: a JSON Schema subset (see docs/record-types.md) turned once into an immutable
/// validator tree. Thread-safe; share one instance. Validating walks the tree over a parsed record and
/// stops at the first broken rule in schema property order, so the reported error is deterministic.
/// </summary>
public sealed class RecordSchema
{
    private RecordSchema(SchemaNode root)
    {
        Root = root;
        RequiredProperties = SchemaAnalysis.Views(root, throughAlternatives: false)
            .SelectMany(v => v.Properties.Where(p => p.Required).Select(p => p.Name).Concat(v.ExtraRequired))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The top-level properties every record must have, in schema order.</summary>
    public IReadOnlyList<string> RequiredProperties { get; }

    internal SchemaNode Root { get; }

    /// <summary>Compiles a schema given as UTF-8 JSON.</summary>
    /// <exception cref="IntakeException">With <see cref="ErrorCodes.InvalidSchema"/>: not JSON, or not a schema Intake supports.</exception>
    public static RecordSchema Compile(ReadOnlySpan<byte> schemaJson)
    {
        using var document = SchemaJson.Parse(schemaJson, "schema");
        return Compile(document.RootElement);
    }

    /// <summary>Compiles a schema; the result keeps no reference to <paramref name="schema"/>.</summary>
    /// <exception cref="IntakeException">With <see cref="ErrorCodes.InvalidSchema"/> naming the keyword and where it is.</exception>
    public static RecordSchema Compile(JsonElement schema)
    {
        var root = SchemaCompiler.Compile(schema);
        if ((SchemaAnalysis.EffectiveTypes(root) & JsonTypes.Object) == 0)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, "The schema of a record type must describe a JSON object (\"type\": \"object\").");
        }

        return new RecordSchema(root);
    }

    /// <summary>Whether <paramref name="record"/> fits; if not, <paramref name="violation"/> is the first broken rule.</summary>
    public bool Validate(JsonElement record, out SchemaViolation violation)
    {
        SchemaFailure? failure = null;
        if (Root.Validate(record, explain: true, ref failure))
        {
            violation = default;
            return true;
        }

        violation = failure!.ToViolation();
        return false;
    }

    /// <summary>
    /// The JSON types the schema allows at a dotted path (<c>products.0.price_paid</c>: digits index arrays);
    /// <see cref="JsonTypes.Any"/> where the schema leaves it open (<c>custom_fields.anything</c>) and
    /// <see cref="JsonTypes.None"/> where the path cannot exist. Used to type CSV cells.
    /// </summary>
    public JsonTypes TypesAt(string dottedPath) => SchemaAnalysis.TypesAt(Root, dottedPath);
}
