using System.Text.Json;

namespace Intake.Core.Schemas;

/// <summary>
/// Compile-time questions about a node tree: which nodes describe a value (through <c>$ref</c>,
/// <c>allOf</c> and optionally the forms of <c>anyOf</c>/<c>oneOf</c>), which JSON types it can have, and
/// which nodes describe a dotted path below it. Never used per record.
/// </summary>
internal static class SchemaAnalysis
{
    /// <summary>The node and every node it delegates to, each once, in schema order.</summary>
    public static List<SchemaNode> Views(SchemaNode node, bool throughAlternatives)
    {
        var views = new List<SchemaNode>();
        var seen = new HashSet<SchemaNode>(ReferenceEqualityComparer.Instance);
        Collect(node);
        return views;

        void Collect(SchemaNode current)
        {
            if (!seen.Add(current))
            {
                return;
            }

            views.Add(current);
            if (current.Ref is not null)
            {
                Collect(current.Ref);
            }

            foreach (var part in current.AllOf)
            {
                Collect(part);
            }

            if (throughAlternatives)
            {
                foreach (var option in (current.AnyOf?.Options ?? []).Concat(current.OneOf?.Options ?? []))
                {
                    Collect(option);
                }
            }
        }
    }

    /// <summary>
    /// The JSON types a valid value can have. An enum without a type takes its values' types; a place that
    /// allows numbers also reports <see cref="JsonTypes.Integer"/> so that intersections stay right.
    /// </summary>
    public static JsonTypes EffectiveTypes(SchemaNode node) => EffectiveTypes(node, new HashSet<SchemaNode>(ReferenceEqualityComparer.Instance));

    private static JsonTypes EffectiveTypes(SchemaNode node, HashSet<SchemaNode> visiting)
    {
        if (!visiting.Add(node))
        {
            return JsonTypes.Any;
        }

        var types = node.AlwaysFails ? JsonTypes.None : Normalize(node.Types);
        if (node.Enum is not null)
        {
            types &= node.Enum.Aggregate(JsonTypes.None, (all, value) => all | TypeOf(value.Value));
        }

        if (node.Ref is not null)
        {
            types &= EffectiveTypes(node.Ref, visiting);
        }

        foreach (var part in node.AllOf)
        {
            types &= EffectiveTypes(part, visiting);
        }

        foreach (var alternatives in new[] { node.AnyOf, node.OneOf })
        {
            if (alternatives is not null)
            {
                types &= alternatives.Options.Aggregate(JsonTypes.None, (all, option) => all | EffectiveTypes(option, visiting));
            }
        }

        visiting.Remove(node);
        return types;
    }

    private static JsonTypes Normalize(JsonTypes types) => (types & JsonTypes.Number) != 0 ? types | JsonTypes.Integer : types;

    private static JsonTypes TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonTypes.String,
        JsonValueKind.Number => JsonTypes.Number | JsonTypes.Integer,
        JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
        JsonValueKind.Null => JsonTypes.Null,
        JsonValueKind.Object => JsonTypes.Object,
        _ => JsonTypes.Array,
    };

    /// <summary>
    /// The nodes that describe the value at <paramref name="segments"/> below <paramref name="root"/>: declared
    /// properties, <c>additionalProperties</c> schemas and, for an all-digit segment, array <c>items</c>.
    /// Returns an empty list with <paramref name="open"/> true when some object on the way allows any
    /// property without describing it (e.g. <c>custom_fields.is_damaged</c>), and with
    /// <paramref name="open"/> false when the path cannot exist.
    /// </summary>
    public static List<SchemaNode> Resolve(SchemaNode root, IReadOnlyList<string> segments, out bool open)
    {
        var current = new List<SchemaNode> { root };
        open = false;
        foreach (var segment in segments)
        {
            var isIndex = segment.Length > 0 && segment.All(char.IsAsciiDigit);
            var next = new List<SchemaNode>();
            var forbidden = false;
            foreach (var view in current.SelectMany(n => Views(n, throughAlternatives: true)))
            {
                if (isIndex && view.Items is not null)
                {
                    next.Add(view.Items);
                }
                else if (view.FindProperty(segment) is { } property)
                {
                    next.Add(property.Node);
                }
                else if (view.AdditionalSchema is not null)
                {
                    next.Add(view.AdditionalSchema);
                }
                else if (view.AdditionalForbidden)
                {
                    forbidden = true;
                }
            }

            if (next.Count == 0)
            {
                open = !forbidden;
                return next;
            }

            current = next;
        }

        return current;
    }

    /// <summary>The JSON types a value at a dotted path may have; <see cref="JsonTypes.Any"/> when the schema does not say.</summary>
    public static JsonTypes TypesAt(SchemaNode root, string dottedPath)
    {
        var nodes = Resolve(root, dottedPath.Split('.'), out var open);
        return nodes.Count == 0
            ? open ? JsonTypes.Any : JsonTypes.None
            : nodes.Aggregate(JsonTypes.None, (all, node) => all | EffectiveTypes(node));
    }
}
