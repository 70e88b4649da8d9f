using System.Buffers;
using System.Text.Json;

namespace Intake.Core.Quality;

/// <summary>
/// Walks the members of a JSON object already known to be valid (a record's attributes, validated when the file
/// was read or read back from the store), yielding each name and the raw bytes of its value. A load's report
/// visits every record's attributes, and a <see cref="Utf8JsonReader"/> walk that checks the JSON again cost more
/// than the rest of the report together; this one only finds where each value ends. On bytes that are not valid
/// JSON it stops early; it never throws.
/// </summary>
internal ref struct JsonObjectMembers
{
    private static readonly SearchValues<byte> s_stringEnd = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> s_nested = SearchValues.Create("\"\\{}[]"u8);
    private static readonly SearchValues<byte> s_scalarEnd = SearchValues.Create(",}] \t\r\n"u8);
    private readonly ReadOnlySpan<byte> _json;
    private int _at;

    public JsonObjectMembers(ReadOnlySpan<byte> json)
    {
        _json = json;
        _at = SkipSpace(json, 0);
        _at = _at < json.Length && json[_at] == '{' ? _at + 1 : json.Length;
    }

    /// <summary>The next member; <paramref name="name"/> as written between its quotes (escapes left in).</summary>
    public bool Next(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        var at = SkipSpace(_json, _at);
        if (at < _json.Length && _json[at] == ',')
        {
            at = SkipSpace(_json, at + 1);
        }

        if (at >= _json.Length || _json[at] != '"')
        {
            _at = _json.Length;
            return false;
        }

        var nameEnd = StringEnd(_json, at);
        name = _json[(at + 1)..Math.Max(at + 1, nameEnd - 1)];
        at = SkipSpace(_json, nameEnd);
        if (at >= _json.Length || _json[at] != ':')
        {
            _at = _json.Length;
            return false;
        }

        var start = SkipSpace(_json, at + 1);
        var end = ValueEnd(_json, start);
        value = _json[start..end];
        _at = end;
        return !value.IsEmpty;
    }

    /// <summary>A raw name with escapes decoded (rare: only names with a backslash need it).</summary>
    public static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> rawName)
    {
        if (!rawName.Contains((byte)'\\'))
        {
            return rawName;
        }

        var quoted = new byte[rawName.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        rawName.CopyTo(quoted.AsSpan(1));
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        var decoded = new byte[rawName.Length];
        return decoded.AsSpan(0, reader.CopyString(decoded));
    }

    private static int SkipSpace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            at++;
        }

        return at;
    }

    /// <summary>The index just past the string that opens at <paramref name="quote"/>.</summary>
    private static int StringEnd(ReadOnlySpan<byte> json, int quote)
    {
        var at = quote + 1;
        while (at < json.Length)
        {
            var found = json[at..].IndexOfAny(s_stringEnd);
            if (found < 0)
            {
                return json.Length;
            }

            at += found;
            if (json[at] == '"')
            {
                return at + 1;
            }

            at += 2;
        }

        return json.Length;
    }

    private static int ValueEnd(ReadOnlySpan<byte> json, int start)
    {
        if (start >= json.Length)
        {
            return json.Length;
        }

        switch (json[start])
        {
            case (byte)'"':
                return StringEnd(json, start);
            case (byte)'{' or (byte)'[':
                var depth = 0;
                var at = start;
                while (at < json.Length)
                {
                    var found = json[at..].IndexOfAny(s_nested);
                    if (found < 0)
                    {
                        return json.Length;
                    }

                    at += found;
                    switch (json[at])
                    {
                        case (byte)'"':
                            at = StringEnd(json, at);
                            continue;
                        case (byte)'\\':
                            at += 2;
                            continue;
                        case (byte)'{' or (byte)'[':
                            depth++;
                            break;
                        default:
                            if (--depth == 0)
                            {
                                return at + 1;
                            }

                            break;
                    }

                    at++;
                }

                return json.Length;
            default:
                var end = json[start..].IndexOfAny(s_scalarEnd);
                return end < 0 ? json.Length : start + end;
        }
    }
}
