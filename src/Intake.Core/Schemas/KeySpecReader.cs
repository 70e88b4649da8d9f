using System.Text.Json;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// Reads the <c>key</c> member of a definition and checks every path against the compiled schema: it must
/// name a declared property, and the property must be able to hold a key (a scalar, or an identity
/// object whose every form has a required property to identify by).
/// </summary>
internal static class KeySpecReader
{
    public static RecordKey Read(RecordKind kind, JsonElement key, RecordSchema schema, IReadOnlyList<string> personal)
    {
        var allowed = kind == RecordKind.Entity ? new[] { "id", "id_selector" } : ["source", "target", "timestamp"];
        foreach (var member in key.EnumerateObject())
        {
            if (!allowed.Contains(member.Name))
            {
                throw RecordTypeDefinition.Invalid(
                    $"Key member [{member.Name}] does not apply to an {kind.ToWire()}: use {string.Join(", ", allowed)}.");
            }
        }

        return kind == RecordKind.Entity
            ? new RecordKey(
                Part(key, "id", schema, personal, required: true, many: true),
                Part(key, "id_selector", schema, personal, required: false, many: false, mustBeString: true),
                null, null, null)
            : new RecordKey(
                null, null,
                Part(key, "source", schema, personal, required: true, many: false),
                Part(key, "target", schema, personal, required: false, many: true),
                Part(key, "timestamp", schema, personal, required: true, many: false, isTimestamp: true));
    }

    /// <summary>The nodes describing <paramref name="path"/>; refuses a path the schema does not declare.</summary>
    public static List<SchemaNode> Resolve(RecordSchema schema, string path, string what, string? member = null)
    {
        var segments = path.Split('.');
        var nodes = segments.Any(s => s.Length == 0) ? [] : SchemaAnalysis.Resolve(schema.Root, segments, out _);
        return nodes.Count > 0
            ? nodes
            : throw RecordTypeDefinition.Invalid($"{what} [{path}]{(member is null ? "" : $" of [{member}]")} is not a property declared by the schema.");
    }

    private static KeyPart? Part(JsonElement key, string member, RecordSchema schema, IReadOnlyList<string> personal,
        bool required, bool many, bool mustBeString = false, bool isTimestamp = false)
    {
        if (!key.TryGetProperty(member, out var value))
        {
            return required ? throw RecordTypeDefinition.Invalid($"Key member [{member}] is required.") : null;
        }

        var paths = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when many && value.GetArrayLength() > 0 && value.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(p => p.GetString()!).ToArray(),
            _ => throw RecordTypeDefinition.Invalid(many
                ? $"Key member [{member}] must be a dotted path or a non-empty array of them."
                : $"Key member [{member}] must be a dotted path."),
        };

        FormInfo[]? forms = null;
        foreach (var path in paths)
        {
            var nodes = Resolve(schema, path, "Key path", member);
            var types = nodes.Aggregate(JsonTypes.None, (all, node) => all | SchemaAnalysis.EffectiveTypes(node));
            const JsonTypes scalars = JsonTypes.String | JsonTypes.Number | JsonTypes.Integer | JsonTypes.Boolean;
            var fits = isTimestamp ? (types & (JsonTypes.String | JsonTypes.Number | JsonTypes.Integer)) != 0
                : mustBeString ? (types & JsonTypes.String) != 0
                : (types & (scalars | JsonTypes.Object)) != 0;
            if (!fits)
            {
                throw RecordTypeDefinition.Invalid(isTimestamp
                    ? $"Key path [{path}] of [timestamp] must be a date-time string or an integer epoch time."
                    : $"Key path [{path}] of [{member}] must be a string, a number or an identity object.");
            }

            if (!isTimestamp && !mustBeString && (types & JsonTypes.Object) != 0)
            {
                forms = IdentityForms(nodes[0], path);
            }
        }

        var personalKinds = paths.SelectMany(p => personal.Where(q => q.StartsWith(p + ".", StringComparison.Ordinal)).Select(q => q[(p.Length + 1)..]));
        return new KeyPart(paths, forms, paths.Any(personal.Contains), personalKinds);
    }

    private static FormInfo[] IdentityForms(SchemaNode node, string path)
    {
        var alternatives = SchemaAnalysis.Views(node, throughAlternatives: false).Select(v => v.AnyOf ?? v.OneOf).FirstOrDefault(a => a is not null);
        var forms = alternatives?.Forms ?? [FormInfo.Of(node, 0)];
        var anonymous = forms.FirstOrDefault(f => (f.Types & JsonTypes.Object) != 0 && f.Required.Length == 0);
        return anonymous is null
            ? forms
            : throw RecordTypeDefinition.Invalid(
                $"Key path [{path}] names an object, but its form [{anonymous.Name}] has no required property to identify the record by.");
    }
}
