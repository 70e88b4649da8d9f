using System.Text;
using System.Buffers.Text;
using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Records;

/// <summary>Types attribute values: CSV cells by quoting and shape, JSON values by token.</summary>
public static class AttributeValues
{
    /// <summary>
    /// The type of an unquoted CSV cell: a boolean for true/false, an integer or double when it parses as
    /// one, else a string. (A quoted cell is always a string.)
    /// </summary>
    public static AttributeType ClassifyUnquoted(ReadOnlySpan<byte> cell, out long integer, out double number)
    {
        integer = 0;
        number = 0;
        if (cell.SequenceEqual("true"u8) || cell.SequenceEqual("false"u8))
        {
            return AttributeType.Boolean;
        }

        if (Utf8Parser.TryParse(cell, out integer, out var consumed) && consumed == cell.Length)
        {
            number = integer;
            return AttributeType.Integer;
        }

        if (Utf8Parser.TryParse(cell, out number, out consumed) && consumed == cell.Length && double.IsFinite(number))
        {
            return AttributeType.Double;
        }

        return AttributeType.String;
    }

    /// <summary>
    /// Whether an unquoted cell spells a number that is not finite (<c>1e999</c>, <c>NaN</c>, <c>Infinity</c>).
    /// Such a cell is refused rather than stored as text or as a double: numbers are finite (DESIGN 2.10).
    /// </summary>
    public static bool IsNonFiniteNumber(ReadOnlySpan<byte> cell) =>
        Utf8Parser.TryParse(cell, out double number, out var consumed) && consumed == cell.Length && !double.IsFinite(number);

    /// <summary>The attribute type of the JSON value the reader is positioned on, or null for a JSON null.</summary>
    public static AttributeType? Classify(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => AttributeType.String,
        JsonTokenType.Number => reader.TryGetInt64(out _) ? AttributeType.Integer : AttributeType.Double,
        JsonTokenType.True or JsonTokenType.False => AttributeType.Boolean,
        JsonTokenType.StartArray => AttributeType.List,
        JsonTokenType.StartObject => AttributeType.Object,
        _ => null,
    };

    /// <summary>
    /// Checks every property of the JSON object <paramref name="json"/> against the dataset's attribute
    /// types and stores the object as the record's attributes. On a bad value the record is rejected
    /// and false is returned. <paramref name="field"/> names the cell or property holding the object.
    /// </summary>
    public static bool CheckAndStoreObject(ReadOnlySpan<byte> json, string field, RecordWriter writer)
    {
        var simple = writer.SimpleObject;
        if (!simple.TryRead(json))
        {
            return CheckAndStoreObjectWithReader(json, field, writer);
        }

        foreach (ref readonly var property in simple.Properties)
        {
            if (property.Type is { } valueType &&
                !writer.CheckAttribute(json.Slice(property.NameStart, property.NameLength), valueType, json.Slice(property.ValueStart, property.ValueLength)))
            {
                return false;
            }
        }

        // After the values, as the full reader finds a repeat only once it has read the object.
        if (simple.Count > 1 && simple.RepeatedName(json) is >= 0 and var repeated)
        {
            return RejectRepeated(json, simple.Properties[repeated], field, writer);
        }

        writer.SetAttributesJson(json[simple.Object]);
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool RejectRepeated(ReadOnlySpan<byte> json, SimpleJsonObject.Property name, string field, RecordWriter writer) =>
        JsonChecks.RejectRepeatedName(Encoding.UTF8.GetString(json.Slice(name.NameStart, name.NameLength)), null, field, writer);

    /// <summary><see cref="CheckAndStoreObject"/> by System.Text.Json's reader, for any JSON.</summary>
    internal static bool CheckAndStoreObjectWithReader(ReadOnlySpan<byte> json, string field, RecordWriter writer)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                writer.Reject(RecordErrorCodes.InvalidType, $"Field [{field}] must be a JSON object.", field);
                return false;
            }

            var start = (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonChecks.OfToken(ref reader) is not JsonValueProblem.None)
                {
                    return RejectWithPath(json, field, writer);
                }

                var name = PropertyName(ref reader);
                reader.Read();
                var type = Classify(ref reader);
                var valueStart = (int)reader.TokenStartIndex;
                if (JsonChecks.SkipChecked(ref reader) is not JsonValueProblem.None)
                {
                    return RejectWithPath(json, field, writer);
                }

                if (type is { } valueType && !writer.CheckAttribute(name, valueType, ValueText(json, valueStart, ref reader)))
                {
                    return false;
                }
            }

            var end = (int)reader.BytesConsumed;
            if (reader.Read())
            {
                writer.Reject(RecordErrorCodes.MalformedRecord, $"Field [{field}] has content after its JSON object.", field);
                return false;
            }

            if (JsonChecks.FindRepeatedName(json[start..end], out var objectPath) is { } repeated)
            {
                return JsonChecks.RejectRepeatedName(repeated, objectPath, field, writer);
            }

            writer.SetAttributesJson(json[start..end]);
            return true;
        }
        catch (JsonException exception)
        {
            // Utf8JsonReader has no non-throwing mode; only malformed records pay for this.
            writer.Reject(RecordErrorCodes.MalformedRecord, JsonSyntax.Describe($"Field [{field}]", json, exception), field);
            return false;
        }
    }

    /// <summary>
    /// Rejects the record for the problem <see cref="JsonChecks"/> found in <paramref name="json"/>, naming it by its
    /// full path: under <paramref name="field"/> when the JSON is that field's value, else from the record's root.
    /// Returns false, for the caller to stop mapping.
    /// </summary>
    internal static bool RejectWithPath(ReadOnlySpan<byte> json, string? field, RecordWriter writer)
    {
        var problem = JsonChecks.Find(json, utf8: false, out var inner);
        var path = JsonChecks.Join(field, inner);
        writer.Reject(JsonChecks.Code(problem), JsonChecks.Describe(problem, path), path);
        return false;
    }

    /// <summary>The property name the reader is on; only a name with escapes is copied.</summary>
    public static ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var target = new byte[length];
        return target.AsSpan(0, reader.CopyString(target));
    }

    private static ReadOnlySpan<byte> ValueText(ReadOnlySpan<byte> json, int valueStart, ref Utf8JsonReader reader)
    {
        var raw = json[valueStart..(int)reader.BytesConsumed];
        return raw.Length >= 2 && raw[0] == '"' ? raw[1..^1] : raw;
    }
}
