using System.Runtime.CompilerServices;

namespace Intake.Core.Records;

/// <summary>
/// Reads the usual attributes object without System.Text.Json: flat; names and strings of printable ASCII without
/// escapes; integers of up to 18 digits, decimals of up to 15 characters, <c>true</c>, <c>false</c> and <c>null</c>;
/// JSON whitespace between tokens. Anything else (a nested value, an exponent, a longer number, an escape, a byte
/// outside ASCII, malformed text) is not read here and goes to <see cref="AttributeValues"/>'s full reader, which
/// accepts everything this accepts with the same types and value text. The full reader cost two fifths of parsing
/// and validating an interaction file, most of it on objects of this form. Reused by one parsing thread.
/// </summary>
internal sealed class SimpleJsonObject
{
    // An object with more members goes to the full reader, which keeps none of them: the scratch a writer keeps for
    // the whole import stays small whatever one hostile record holds.
    private const int MaxProperties = 256;

    private Property[] _properties = new Property[8];

    /// <summary>A member: where its name and value text lie in the object, and the value's type (null for a JSON null).</summary>
    public readonly record struct Property(int NameStart, int NameLength, int ValueStart, int ValueLength, AttributeType? Type);

    /// <summary>The members of the object last read, in order.</summary>
    public ReadOnlySpan<Property> Properties => _properties.AsSpan(0, Count);

    public int Count { get; private set; }

    /// <summary>Where the object last read starts and ends (past its closing brace), without the whitespace around it.</summary>
    public Range Object { get; private set; }

    /// <summary>Reads <paramref name="json"/> when it is a simple object, touching nothing else; false when it is not.</summary>
    public bool TryRead(ReadOnlySpan<byte> json)
    {
        Count = 0;
        var at = SkipSpace(json, 0);
        if (at == json.Length || json[at] != '{')
        {
            return false;
        }

        var start = at;
        at = SkipSpace(json, at + 1);
        if (at < json.Length && json[at] == '}')
        {
            return Finish(json, start, at + 1);
        }

        while (true)
        {
            var nameStart = at + 1;
            if (!TryReadString(json, at, out var nameEnd))
            {
                return false;
            }

            at = SkipSpace(json, nameEnd + 1);
            if (at == json.Length || json[at] != ':')
            {
                return false;
            }

            var valueStart = SkipSpace(json, at + 1);
            if (!TryReadScalar(json, valueStart, out var valueEnd, out var type))
            {
                return false;
            }

            if (Count == MaxProperties)
            {
                return false;
            }

            var quote = type == AttributeType.String ? 1 : 0;
            Add(new Property(nameStart, nameEnd - nameStart, valueStart + quote, valueEnd - valueStart - (2 * quote), type));
            at = SkipSpace(json, valueEnd);
            if (at == json.Length)
            {
                return false;
            }

            if (json[at] == '}')
            {
                return Finish(json, start, at + 1);
            }

            if (json[at] != ',')
            {
                return false;
            }

            at = SkipSpace(json, at + 1);
        }
    }

    /// <summary>
    /// The index of the first member of the object last read whose name repeats an earlier member's, or -1. Names
    /// read here have no escapes, so equal names are equal bytes.
    /// </summary>
    public int RepeatedName(ReadOnlySpan<byte> json)
    {
        for (var i = 1; i < Count; i++)
        {
            var name = json.Slice(_properties[i].NameStart, _properties[i].NameLength);
            for (var j = 0; j < i; j++)
            {
                if (_properties[j].NameLength == name.Length && json.Slice(_properties[j].NameStart, name.Length).SequenceEqual(name))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private bool Finish(ReadOnlySpan<byte> json, int start, int end)
    {
        if (SkipSpace(json, end) != json.Length)
        {
            return false;
        }

        Object = start..end;
        return true;
    }

    private void Add(Property property)
    {
        if (Count == _properties.Length)
        {
            Array.Resize(ref _properties, Count * 2);
        }

        _properties[Count++] = property;
    }

    /// <summary>A simple string opening at <paramref name="at"/>; <paramref name="close"/> is its closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadString(ReadOnlySpan<byte> json, int at, out int close)
    {
        close = 0;
        if (at >= json.Length || json[at] != '"')
        {
            return false;
        }

        var end = at + 1;
        while (end < json.Length && json[end] is >= 0x20 and < 0x80 and not (byte)'"' and not (byte)'\\')
        {
            end++;
        }

        if (end == json.Length || json[end] != '"')
        {
            return false;
        }

        close = end;
        return true;
    }

    /// <summary>A simple value starting at <paramref name="at"/>; <paramref name="end"/> is just past it.</summary>
    private static bool TryReadScalar(ReadOnlySpan<byte> json, int at, out int end, out AttributeType? type)
    {
        end = 0;
        type = null;
        if (at >= json.Length)
        {
            return false;
        }

        switch (json[at])
        {
            case (byte)'"':
                type = AttributeType.String;
                if (!TryReadString(json, at, out var close))
                {
                    return false;
                }

                end = close + 1;
                return true;
            case (byte)'t':
                type = AttributeType.Boolean;
                return TryReadWord(json, at, "true"u8, out end);
            case (byte)'f':
                type = AttributeType.Boolean;
                return TryReadWord(json, at, "false"u8, out end);
            case (byte)'n':
                return TryReadWord(json, at, "null"u8, out end);
            default:
                return TryReadNumber(json, at, out end, out type);
        }
    }

    private static bool TryReadWord(ReadOnlySpan<byte> json, int at, ReadOnlySpan<byte> word, out int end)
    {
        end = at + word.Length;
        return json[at..].StartsWith(word) && EndsToken(json, end);
    }

    /// <summary>
    /// <c>-?(0|[1-9][0-9]*)</c> of up to 18 digits, an integer that always fits a long; or the same with a fraction
    /// (<c>.[0-9]+</c>) in at most 15 characters, a double that is always finite. The full reader classifies them
    /// alike: a number that reads as a long is an integer, any other a double. Exponents are left to it.
    /// </summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> json, int at, out int end, out AttributeType? type)
    {
        type = AttributeType.Integer;
        end = at;
        if (end < json.Length && json[end] == '-')
        {
            end++;
        }

        var digits = end;
        if (end < json.Length && json[end] == '0')
        {
            end++;
        }
        else
        {
            end = SkipDigits(json, end);
        }

        var integerDigits = end - digits;
        if (integerDigits == 0)
        {
            return false;
        }

        if (end < json.Length && json[end] == '.')
        {
            var fraction = end + 1;
            end = SkipDigits(json, fraction);
            type = AttributeType.Double;
            return end > fraction && end - at <= 15 && EndsToken(json, end);
        }

        return integerDigits <= 18 && EndsToken(json, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipDigits(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && (uint)(json[at] - '0') <= 9)
        {
            at++;
        }

        return at;
    }

    /// <summary>Whether a number or word ending at <paramref name="end"/> is followed by what may follow a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EndsToken(ReadOnlySpan<byte> json, int end) =>
        end < json.Length && json[end] is (byte)',' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipSpace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }

        return at;
    }
}
