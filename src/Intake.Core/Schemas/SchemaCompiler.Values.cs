using System.Globalization;
using System.Text.Json;

namespace Intake.Core.Schemas;

/// <summary>Reading and checking the values of individual keywords.</summary>
internal sealed partial class SchemaCompiler
{
    private static JsonTypes ReadTypes(JsonElement value, string pointer)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return ReadType(value.GetString()!, pointer);
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid($"Schema keyword [type] at [{pointer}] must be a type name or a non-empty array of type names.");
        }

        var types = JsonTypes.None;
        foreach (var item in value.EnumerateArray())
        {
            types |= item.ValueKind == JsonValueKind.String
                ? ReadType(item.GetString()!, pointer)
                : throw Invalid($"Schema keyword [type] at [{pointer}] must list type names as strings.");
        }

        return types;
    }

    private static JsonTypes ReadType(string name, string pointer) => JsonTypesText.TryParse(name, out var type)
        ? type
        : throw Invalid($"Schema type [{name}] at [{pointer}] is not a JSON Schema type: use string, number, integer, boolean, object, array or null.");

    private static JsonElement.ObjectEnumerator Members(JsonElement value, string keyword, string pointer) =>
        value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject()
            : throw Invalid($"Schema keyword [{keyword}] at [{pointer}] must be an object.");

    private static List<string> Strings(JsonElement value, string keyword, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Invalid($"Schema keyword [{keyword}] at [{pointer}] must be an array of strings.");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToList();
    }

    private static EnumValue[] ReadEnum(JsonElement value, string pointer) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            ? value.EnumerateArray().Select(v => new EnumValue(v.Clone())).ToArray()
            : throw Invalid($"Schema keyword [enum] at [{pointer}] must be a non-empty array.");

    private static int Count(JsonElement value, string keyword, string pointer) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw Invalid($"Schema keyword [{keyword}] at [{pointer}] must be a non-negative integer.");

    private SchemaNode[] Schemas(JsonElement value, string keyword, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid($"Schema keyword [{keyword}] at [{pointer}] must be a non-empty array of schemas.");
        }

        return value.EnumerateArray().Select((schema, i) => Child(schema, $"{pointer}/{keyword}/{i}")).ToArray();
    }

    /// <summary>
    /// Reads the four bounds together: draft 4 spells an exclusive bound as <c>exclusiveMaximum: true</c>
    /// beside <c>maximum</c>, later drafts (and the CDP schemas) as <c>exclusiveMaximum: 90</c>.
    /// </summary>
    private static void ReadBounds(SchemaNode node, JsonElement schema, string pointer)
    {
        var bounds = new List<NumberBound>();
        Add("minimum", "exclusiveMinimum", BoundKind.Minimum, BoundKind.ExclusiveMinimum, "greater than or equal to", "greater than");
        Add("maximum", "exclusiveMaximum", BoundKind.Maximum, BoundKind.ExclusiveMaximum, "less than or equal to", "less than");
        node.Bounds = [.. bounds];

        void Add(string inclusiveName, string exclusiveName, BoundKind inclusive, BoundKind exclusive, string inclusiveWords, string exclusiveWords)
        {
            var hasLimit = schema.TryGetProperty(inclusiveName, out var limit);
            if (hasLimit && limit.ValueKind != JsonValueKind.Number)
            {
                throw Invalid($"Schema keyword [{inclusiveName}] at [{pointer}] must be a number.");
            }

            var exclusiveFlag = false;
            if (schema.TryGetProperty(exclusiveName, out var other))
            {
                switch (other.ValueKind)
                {
                    case JsonValueKind.Number:
                        bounds.Add(Bound(exclusive, other.GetDouble(), exclusiveWords));
                        break;
                    case JsonValueKind.True or JsonValueKind.False when hasLimit:
                        exclusiveFlag = other.ValueKind == JsonValueKind.True;
                        break;
                    default:
                        throw Invalid($"Schema keyword [{exclusiveName}] at [{pointer}] must be a number (or, in draft 4, a boolean beside [{inclusiveName}]).");
                }
            }

            if (hasLimit)
            {
                bounds.Add(exclusiveFlag ? Bound(exclusive, limit.GetDouble(), exclusiveWords) : Bound(inclusive, limit.GetDouble(), inclusiveWords));
            }
        }
    }

    private static NumberBound Bound(BoundKind kind, double limit, string words) =>
        new(kind, limit, $"must be {words} {limit.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Refuses loops that never descend into the data (<c>A: {$ref: B}, B: {allOf: [{$ref: A}]}</c>): they
    /// would recurse forever on every record. Loops through properties or items are fine, the data ends.
    /// </summary>
    private void RefuseCycles()
    {
        var state = new Dictionary<SchemaNode, bool>(ReferenceEqualityComparer.Instance);
        foreach (var node in _nodes)
        {
            Visit(node);
        }

        void Visit(SchemaNode node)
        {
            if (state.TryGetValue(node, out var done))
            {
                if (!done)
                {
                    throw Invalid($"The schema at [{node.Pointer}] refers to itself without descending into a property or an item; such a loop can never be checked.");
                }

                return;
            }

            state[node] = false;
            var next = (node.Ref is null ? [] : new[] { node.Ref })
                .Concat(node.AllOf)
                .Concat(node.AnyOf?.Options ?? [])
                .Concat(node.OneOf?.Options ?? []);
            foreach (var target in next)
            {
                Visit(target);
            }

            state[node] = true;
        }
    }
}
