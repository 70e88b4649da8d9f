using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// Picks named top-level values out of one JSON object for the built-in record types: strings unescaped,
/// numbers and booleans as their text, objects and arrays as their raw JSON. The one pass over the object
/// also applies <see cref="JsonChecks"/> to every name and value in it, so the record types that use it
/// need no pass of their own. Reused record after record by one <see cref="RecordWriter"/>, so it
/// allocates only for strings with escapes.
/// </summary>
public sealed class FlatJsonFields
{
    private readonly Range[] _found = new Range[16];
    private readonly bool[] _isUnescaped = new bool[16];
    private readonly bool[] _isString = new bool[16];
    private readonly bool[] _seen = new bool[16];
    private byte[] _unescaped = new byte[256];
    private int _unescapedLength;

    /// <summary>
    /// Reads the object, keeping the values of <paramref name="names"/> (case-insensitive). A malformed
    /// record or a non-object is rejected through <paramref name="writer"/> and false is returned.
    /// </summary>
    public bool Read(ReadOnlySpan<byte> json, ReadOnlySpan<string> names, RecordWriter writer)
    {
        Array.Clear(_found);
        Array.Clear(_seen);
        _unescapedLength = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                writer.Reject(RecordErrorCodes.MalformedRecord, "The record is not a JSON object.", null);
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonChecks.OfToken(ref reader) is not JsonValueProblem.None)
                {
                    return AttributeValues.RejectWithPath(json, null, writer);
                }

                var name = AttributeValues.PropertyName(ref reader);
                var index = IndexOf(name, names);
                if (index >= 0)
                {
                    if (_seen[index])
                    {
                        // Names match ignoring case, so "id" and "ID" are one field given twice.
                        return JsonChecks.RejectRepeatedName(Encoding.UTF8.GetString(name), null, null, writer);
                    }

                    _seen[index] = true;
                }

                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isString = reader.TokenType == JsonTokenType.String;
                var escaped = isString && reader.ValueIsEscaped;
                var isNull = reader.TokenType == JsonTokenType.Null;
                if (JsonChecks.SkipChecked(ref reader) is not JsonValueProblem.None)
                {
                    return AttributeValues.RejectWithPath(json, null, writer);
                }

                if (index < 0 || isNull)
                {
                    continue;
                }

                var end = (int)reader.BytesConsumed;
                _isUnescaped[index] = escaped;
                _isString[index] = isString;
                _found[index] = escaped ? Unescape(json[start..end]) : isString ? new Range(start + 1, end - 1) : new Range(start, end);
            }

            if (reader.Read())
            {
                writer.Reject(RecordErrorCodes.MalformedRecord, "The record has content after its JSON object.", null);
                return false;
            }

            return true;
        }
        catch (JsonException exception)
        {
            // Utf8JsonReader has no non-throwing mode; only malformed records pay for this.
            writer.Reject(RecordErrorCodes.MalformedRecord, JsonSyntax.Describe("The record", json, exception), null);
            return false;
        }
    }

    /// <summary>The value of the name at <paramref name="index"/> in the last <see cref="Read"/>; empty when absent or null.</summary>
    public ReadOnlySpan<byte> Get(ReadOnlySpan<byte> json, int index) =>
        _isUnescaped[index] ? _unescaped.AsSpan()[_found[index]] : json[_found[index]];

    /// <summary>Whether the value at <paramref name="index"/> was a JSON string.</summary>
    public bool IsString(int index) => _isString[index];

    private static int IndexOf(ReadOnlySpan<byte> name, ReadOnlySpan<string> names)
    {
        Span<char> chars = stackalloc char[64];
        if (name.Length > chars.Length)
        {
            return -1;
        }

        chars = chars[..Encoding.UTF8.GetChars(name, chars)];
        for (var i = 0; i < names.Length; i++)
        {
            if (chars.Equals(names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private Range Unescape(ReadOnlySpan<byte> quoted)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        if (_unescapedLength + quoted.Length > _unescaped.Length)
        {
            Array.Resize(ref _unescaped, (_unescapedLength + quoted.Length) * 2);
        }

        var written = reader.CopyString(_unescaped.AsSpan(_unescapedLength));
        var range = new Range(_unescapedLength, _unescapedLength + written);
        _unescapedLength += written;
        return range;
    }
}
