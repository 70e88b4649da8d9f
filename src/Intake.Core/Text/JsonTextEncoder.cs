using System.Text;
using System.Text.Encodings.Web;

namespace Intake.Core.Text;

/// <summary>
/// The string escaping of every JSON document Intake writes (responses, exports, stored attributes): text is
/// written as itself, non-ASCII included, and only what JSON needs or what breaks line-based readers is escaped —
/// <c>"</c> and <c>\</c> (as <c>\"</c>, <c>\\</c>), control characters (C0, DEL and C1), U+2028 and U+2029, and
/// unpaired surrogates. The output is valid JSON and valid NDJSON (no raw line break inside a string).
/// It does not escape <c>&lt;</c>, <c>&gt;</c> or <c>&amp;</c>: Intake serves JSON as <c>application/json</c>
/// and never inlines it into HTML. The built-in <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> would
/// still escape characters outside the Basic Multilingual Plane (emoji), hence this encoder. Thread-safe.
/// </summary>
public sealed class JsonTextEncoder : JavaScriptEncoder
{
    public static JsonTextEncoder Instance { get; } = new();

    private JsonTextEncoder()
    {
    }

    // "\uXXXX" for each UTF-16 unit of a scalar.
    public override int MaxOutputCharactersPerInputCharacter => 12;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar is '"' or '\\' or (>= 0x7F and <= 0x9F) or 0x2028 or 0x2029 or (>= 0xD800 and <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }

            if (WillEncode(c))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        numberOfCharactersWritten = 0;
        if (!WillEncode(unicodeScalar))
        {
            if (!Rune.TryCreate(unicodeScalar, out var rune) || !rune.TryEncodeToUtf16(destination, out numberOfCharactersWritten))
            {
                return false;
            }

            return true;
        }

        ReadOnlySpan<char> escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => default,
        };
        if (escape.IsEmpty)
        {
            if (destination.Length < 6)
            {
                return false;
            }

            "\\u".CopyTo(destination);
            ((ushort)unicodeScalar).TryFormat(destination[2..], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
            numberOfCharactersWritten = 6;
            return true;
        }

        if (!escape.TryCopyTo(destination))
        {
            return false;
        }

        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
