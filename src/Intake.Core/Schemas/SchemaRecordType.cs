using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// A record type defined by a JSON Schema plus a key: each record is validated against the schema, its key
/// is read from the paths the definition names, and the whole record, exactly as received, becomes the
/// attributes (nothing is dropped). Entities get <c>type = name</c> and <c>id</c> from the key's id path;
/// interactions get <c>type = name</c>, <c>id</c> = source, <c>target id</c> (empty when the definition or
/// the record has none) and the timestamp in epoch milliseconds. The twelve CDP types are instances
/// (<see cref="CdpRecordTypes"/>); datasets define more with <see cref="FromDefinition"/>.
/// Immutable and thread-safe; a CSV binding (<see cref="BindCsv"/>) belongs to one reader.
/// </summary>
public sealed class SchemaRecordType : RecordType
{
    // A record is stored whole, so an object holding a name twice would be stored as a guess (JsonChecks.FindRepeatedName).
    private static readonly JsonDocumentOptions s_parseOptions = new() { AllowDuplicateProperties = false };

    private readonly RecordKey _key;
    private readonly byte[] _nameUtf8;

    private SchemaRecordType(RecordTypeDefinition definition)
        : base(definition.Name, definition.Kind)
    {
        Schema = definition.Schema;
        PersonalPaths = definition.Personal;
        _key = definition.Key;
        _nameUtf8 = Encoding.UTF8.GetBytes(definition.Name);
    }

    public RecordSchema Schema { get; }

    /// <summary>Dotted paths of fields holding personal data (emails, phone numbers, names, addresses), from the definition.</summary>
    public IReadOnlyList<string> PersonalPaths { get; }

    /// <summary>The schema's required top-level properties; in CSV a column <c>link.email</c> counts for <c>link</c>.</summary>
    public override IReadOnlyList<string> RequiredColumns => Schema.RequiredProperties;

    public override bool UsesAttributeTypes => false;

    /// <summary>
    /// Compiles a custom record type from its definition document (UTF-8 JSON):
    /// <code>
    /// { "kind": "entity",      "schema": { …JSON Schema… }, "key": { "id": "path" | ["path", …], "id_selector": "path" }, "personal": ["path", …] }
    /// { "kind": "interaction", "schema": { …JSON Schema… }, "key": { "source": "path", "target": "path" | ["path", …], "timestamp": "path" }, "personal": […] }
    /// </code>
    /// Paths are dotted property names declared by the schema. A list of id or target paths takes the first
    /// present; <c>id_selector</c> names a field whose value says which id path is the key. <c>source</c> or
    /// <c>id</c> may name an identity object (anyOf/oneOf of forms, like <c>link</c>), rendered as
    /// <c>kind:value</c>; <c>target</c> is optional and the empty string when absent. <c>timestamp</c> holds
    /// ISO-8601 text or an integer epoch time, an event time under the import's <see cref="EventTimeRules"/>. <c>personal</c> lists fields whose values never appear in error
    /// ids. The schema keywords Intake validates are listed in docs/record-types.md; others are refused.
    /// </summary>
    /// <exception cref="IntakeException">With <see cref="ErrorCodes.InvalidSchema"/> and a message naming what is wrong and where.</exception>
    public static SchemaRecordType FromDefinition(string name, ReadOnlySpan<byte> definitionJson)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var document = SchemaJson.Parse(definitionJson, "record type definition");
        return new SchemaRecordType(RecordTypeDefinition.Parse(name, document.RootElement));
    }

    internal static SchemaRecordType Create(RecordTypeDefinition definition) => new(definition);

    public override ICsvRecordMapper? BindCsv(CsvHeader header, out IReadOnlyList<string> missingColumns)
    {
        ArgumentNullException.ThrowIfNull(header);
        missingColumns = RequiredColumns
            .Where(r => !header.Columns.Any(c => c == r || c.StartsWith(r + ".", StringComparison.Ordinal)))
            .ToList();
        return missingColumns.Count > 0 ? null : new SchemaCsvMapper(this, header);
    }

    /// <summary>Every column is part of the record (two for one field are a row problem, never ignored).</summary>
    public override IReadOnlyList<string> IgnoredColumns(CsvHeader header) => [];

    public override void MapJson(ReadOnlySpan<byte> json, long line, RecordWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Begin(line);

        // JsonDocument parses only from memory, and the span may live on the reader's stack.
        var copy = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            json.CopyTo(copy);
            MapBegun(copy.AsMemory(0, json.Length), writer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Validates and keys one record whose <see cref="RecordWriter.Begin"/> has been called.</summary>
    internal void MapBegun(ReadOnlyMemory<byte> json, RecordWriter writer)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_parseOptions);
        }
        catch (JsonException e)
        {
            // System.Text.Json has no non-throwing parse; only malformed lines pay for this exception,
            // and its message is not used because it can quote the bad input.
            if (JsonChecks.FindRepeatedName(json.Span, out var objectPath) is { } repeated)
            {
                JsonChecks.RejectRepeatedName(repeated, objectPath, null, writer);
            }
            else
            {
                writer.Reject(RecordErrorCodes.MalformedRecord, JsonSyntax.Describe("The record", json.Span, e), null);
            }

            return;
        }

        using (document)
        {
            // Invalid UTF-8 was refused before this; escapes and numbers are checked here, since validation
            // visits only what the schema describes and the whole record is stored.
            if (JsonChecks.Find(json.Span, utf8: false, out _) is not JsonValueProblem.None)
            {
                AttributeValues.RejectWithPath(json.Span, null, writer);
                return;
            }

            var record = document.RootElement;
            if (!Schema.Validate(record, out var violation) || !_key.TryWrite(record, _nameUtf8, writer, out violation))
            {
                writer.Reject(violation.Code, violation.Message, violation.Field);
                return;
            }

            writer.SetAttributesJson(json.Span);
            writer.Commit();
        }
    }

    /// <summary>The key with personal values hashed (see <see cref="KeyPart.Mask"/>), e.g. <c>email:sha256:1f2e3d4c5b6a/P-1/purchase/1700000000000</c>.</summary>
    public override string DescribeKey(RecordBatch batch, in RecordSlot slot)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Kind == RecordKind.Entity
            ? $"{Name}/{_key.Id!.Mask(batch.GetString(slot.Id))}"
            : $"{_key.Source!.Mask(batch.GetString(slot.Id))}/{MaskTarget(batch.GetString(slot.TargetId))}/{Name}/{slot.Timestamp}";
    }

    public override string AlreadyExistsMessage(RecordBatch batch, in RecordSlot slot)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Kind == RecordKind.Entity
            ? $"Entity [{_key.Id!.Mask(batch.GetString(slot.Id))}] of type [{Name}] could not be created because it already exists."
            : $"Interaction [{Name}] on [{MaskTarget(batch.GetString(slot.TargetId))}] by [{_key.Source!.Mask(batch.GetString(slot.Id))}] " +
              $"at time [{slot.Timestamp}] could not be created because it already exists.";
    }

    private string MaskTarget(string? target) => _key.Target?.Mask(target) ?? target ?? "";
}
