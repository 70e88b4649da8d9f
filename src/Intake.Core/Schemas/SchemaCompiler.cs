using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// Turns a JSON Schema document (the subset in docs/record-types.md) into a <see cref="SchemaNode"/> tree.
/// Keywords that would change what is valid but that Intake does not implement (<c>patternProperties</c>,
/// <c>if</c>, <c>not</c>, …) are refused rather than ignored, so a definition never validates less than
/// its author expects. Every refusal is an <see cref="IntakeException"/> with <see cref="ErrorCodes.InvalidSchema"/>.
/// </summary>
internal sealed partial class SchemaCompiler
{
    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "examples", "default", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly",
    };

    private readonly JsonElement _document;
    private readonly SchemaNode _root = new("#");
    private readonly Dictionary<string, (JsonElement Schema, SchemaNode Node)> _definitions = new(StringComparer.Ordinal);
    private readonly List<SchemaNode> _nodes = [];

    private SchemaCompiler(JsonElement document)
    {
        _document = document;
    }

    /// <summary>Compiles <paramref name="document"/>; the tree keeps no reference to the document but cloned enum values.</summary>
    public static SchemaNode Compile(JsonElement document)
    {
        var compiler = new SchemaCompiler(document);
        compiler.CollectDefinitions();
        compiler.Fill(compiler._root, document, "#");
        foreach (var (schema, node) in compiler._definitions.Values)
        {
            compiler.Fill(node, schema, node.Pointer);
        }

        compiler.RefuseCycles();
        foreach (var node in compiler._nodes)
        {
            node.AnyOf?.Analyse();
            node.OneOf?.Analyse();
        }

        return compiler._root;
    }

    private static IntakeException Invalid(string message) => new(ErrorCodes.InvalidSchema, message);

    private void CollectDefinitions()
    {
        if (_document.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var keyword in new[] { "definitions", "$defs" })
        {
            if (!_document.TryGetProperty(keyword, out var definitions))
            {
                continue;
            }

            if (definitions.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"Schema keyword [{keyword}] at [#] must be an object of named schemas.");
            }

            foreach (var definition in definitions.EnumerateObject())
            {
                var pointer = $"#/{keyword}/{definition.Name}";
                _definitions[pointer] = (definition.Value, new SchemaNode(pointer));
            }
        }
    }

    private SchemaNode Resolve(string reference, string pointer)
    {
        if (reference == "#")
        {
            return _root;
        }

        if (!reference.StartsWith("#/definitions/", StringComparison.Ordinal) && !reference.StartsWith("#/$defs/", StringComparison.Ordinal))
        {
            throw Invalid($"$ref [{reference}] at [{pointer}] is not supported: use #/definitions/Name or #/$defs/Name.");
        }

        var slash = reference.IndexOf('/', 2);
        var name = reference[(slash + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        var key = $"{reference[..slash]}/{name}";
        return _definitions.TryGetValue(key, out var definition)
            ? definition.Node
            : throw Invalid($"$ref [{reference}] at [{pointer}] points to nothing: the schema has no definition [{name}].");
    }

    private SchemaNode Child(JsonElement schema, string pointer)
    {
        var node = new SchemaNode(pointer);
        Fill(node, schema, pointer);
        return node;
    }

    /// <summary>Fills a node exactly once: the root and each definition from <see cref="Compile"/>, every other node from <see cref="Child"/>.</summary>
    private void Fill(SchemaNode node, JsonElement schema, string pointer)
    {
        _nodes.Add(node);
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return;
            case JsonValueKind.False:
                node.AlwaysFails = true;
                return;
            case JsonValueKind.Object:
                break;
            default:
                throw Invalid($"The schema at [{pointer}] must be an object or a boolean.");
        }

        var required = new List<string>();
        var properties = new List<(string Name, SchemaNode Node)>();
        foreach (var keyword in schema.EnumerateObject())
        {
            ReadKeyword(node, keyword, pointer, required, properties);
        }

        ReadBounds(node, schema, pointer);
        node.Properties = properties.Select(p => new SchemaProperty(p.Name, p.Node, required.Contains(p.Name))).ToArray();
        node.ExtraRequired = required.Where(r => properties.All(p => p.Name != r)).ToArray();
        node.PrepareMessages();
    }

    private void ReadKeyword(SchemaNode node, JsonProperty keyword, string pointer, List<string> required, List<(string, SchemaNode)> properties)
    {
        var value = keyword.Value;
        switch (keyword.Name)
        {
            case "type":
                node.Types = ReadTypes(value, pointer);
                break;
            case "properties":
                foreach (var property in Members(value, keyword.Name, pointer))
                {
                    properties.Add((property.Name, Child(property.Value, $"{pointer}/properties/{property.Name}")));
                }

                break;
            case "required":
                required.AddRange(Strings(value, keyword.Name, pointer));
                break;
            case "additionalProperties" when value.ValueKind == JsonValueKind.False:
                node.AdditionalForbidden = true;
                break;
            case "additionalProperties" when value.ValueKind != JsonValueKind.True:
                node.AdditionalSchema = Child(value, $"{pointer}/additionalProperties");
                break;
            case "additionalProperties":
                break;
            case "items" when value.ValueKind == JsonValueKind.Array:
                throw Invalid($"Schema keyword [items] at [{pointer}] is an array (tuple validation), which is not supported; give one schema for every item.");
            case "items":
                node.Items = Child(value, $"{pointer}/items");
                break;
            case "enum":
                node.Enum = ReadEnum(value, pointer);
                node.EnumRule = $"must be one of [{string.Join(", ", node.Enum.Select(e => e.Text))}]";
                break;
            case "const":
                node.Enum = [new EnumValue(value.Clone())];
                node.EnumRule = $"must be [{node.Enum[0].Text}]";
                break;
            case "format":
                node.Format = value.ValueKind == JsonValueKind.String && StringFormats.TryParse(value.GetString()!, out var format)
                    ? format
                    : throw Invalid($"Schema keyword [format] at [{pointer}] must be one of date-time, date, email, uri.");
                break;
            case "pattern":
                node.Pattern = Patterns.Compile(value, pointer);
                break;
            case "minLength":
                node.MinLength = Count(value, keyword.Name, pointer);
                break;
            case "maxLength":
                node.MaxLength = Count(value, keyword.Name, pointer);
                break;
            case "minItems":
                node.MinItems = Count(value, keyword.Name, pointer);
                break;
            case "maxItems":
                node.MaxItems = Count(value, keyword.Name, pointer);
                break;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                break; // read together by ReadBounds: draft-4 exclusive flags modify their sibling
            case "allOf":
                node.AllOf = Schemas(value, keyword.Name, pointer);
                break;
            case "anyOf":
                node.AnyOf = new SchemaAlternatives(Schemas(value, keyword.Name, pointer), exactlyOne: false);
                break;
            case "oneOf":
                node.OneOf = new SchemaAlternatives(Schemas(value, keyword.Name, pointer), exactlyOne: true);
                break;
            case "$ref":
                node.Ref = value.ValueKind == JsonValueKind.String
                    ? Resolve(value.GetString()!, pointer)
                    : throw Invalid($"Schema keyword [$ref] at [{pointer}] must be a string.");
                break;
            case "definitions" or "$defs" when pointer == "#":
                break; // collected before compiling, so that references can point forwards
            case "definitions" or "$defs":
                throw Invalid($"Schema keyword [{keyword.Name}] at [{pointer}] is only supported at the root of the schema.");
            case "title":
                node.Title = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                break;
            case var name when s_annotations.Contains(name) || name.StartsWith("x-", StringComparison.Ordinal):
                break;
            case var name:
                throw Invalid($"Schema keyword [{name}] at [{pointer}] is not supported. See docs/record-types.md for the keywords Intake validates.");
        }
    }
}
