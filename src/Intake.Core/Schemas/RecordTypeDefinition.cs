using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// A parsed record-type definition document (format in <see cref="SchemaRecordType.FromDefinition"/> and
/// docs/record-types.md): kind, compiled schema, key and personal paths, all checked against each other.
/// The twelve CDP types go through the same parser, with their schema taken from its own file.
/// </summary>
internal sealed record RecordTypeDefinition(string Name, RecordKind Kind, RecordSchema Schema, RecordKey Key, IReadOnlyList<string> Personal)
{
    private static readonly string[] s_members = ["kind", "schema", "key", "personal", "description"];

    /// <summary>Parses a definition; <paramref name="separateSchema"/> replaces its <c>schema</c> member (built-in types).</summary>
    public static RecordTypeDefinition Parse(string name, JsonElement definition, JsonElement? separateSchema = null)
    {
        CheckName(name);
        if (definition.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("A record type definition must be a JSON object with kind, schema and key.");
        }

        foreach (var member in definition.EnumerateObject())
        {
            if (!s_members.Contains(member.Name))
            {
                throw Invalid($"Definition member [{member.Name}] is not known: use kind, schema, key, personal and description.");
            }
        }

        var kind = definition.TryGetProperty("kind", out var kindText) && kindText.ValueKind == JsonValueKind.String
            ? kindText.GetString() switch
            {
                "entity" => RecordKind.Entity,
                "interaction" => RecordKind.Interaction,
                _ => throw Invalid("Definition member [kind] must be \"entity\" or \"interaction\"."),
            }
            : throw Invalid("Definition member [kind] is required: \"entity\" or \"interaction\".");

        var hasSchema = definition.TryGetProperty("schema", out var schemaElement);
        var schema = (separateSchema, hasSchema) switch
        {
            (null, true) => RecordSchema.Compile(schemaElement),
            ({ } separate, false) => RecordSchema.Compile(separate),
            (null, false) => throw Invalid("Definition member [schema] is required: a JSON Schema describing one record."),
            _ => throw Invalid("A built-in definition takes its schema from its own file, not from [schema]."),
        };

        var personal = ReadPersonal(definition, schema);
        var key = definition.TryGetProperty("key", out var keyElement) && keyElement.ValueKind == JsonValueKind.Object
            ? KeySpecReader.Read(kind, keyElement, schema, personal)
            : throw Invalid("Definition member [key] is required: an object naming the key's paths.");
        return new RecordTypeDefinition(name, kind, schema, key, personal);
    }

    internal static IntakeException Invalid(string message) => new(ErrorCodes.InvalidSchema, message);

    private static void CheckName(string name)
    {
        if (name.Length is 0 or > 64 || !char.IsAsciiLetter(name[0]) ||
            !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw Invalid($"Record type name [{name}] is not valid: use 1 to 64 letters, digits, '_', '-' or '.', starting with a letter.");
        }
    }

    private static string[] ReadPersonal(JsonElement definition, RecordSchema schema)
    {
        if (!definition.TryGetProperty("personal", out var personal))
        {
            return [];
        }

        if (personal.ValueKind != JsonValueKind.Array || personal.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
        {
            throw Invalid("Definition member [personal] must be an array of dotted paths.");
        }

        var paths = personal.EnumerateArray().Select(p => p.GetString()!).ToArray();
        foreach (var path in paths)
        {
            KeySpecReader.Resolve(schema, path, "Personal path");
        }

        return paths;
    }
}
