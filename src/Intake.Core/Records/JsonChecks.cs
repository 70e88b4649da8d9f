using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Intake.Core.Jobs;

namespace Intake.Core.Records;

/// <summary>What <see cref="JsonChecks"/> found wrong with a JSON value.</summary>
public enum JsonValueProblem
{
    None,

    /// <summary>A string or name whose bytes are not UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A <c>\uD800</c>-style escape that is half of a surrogate pair without its other half.</summary>
    LoneSurrogate,

    /// <summary>A number too large for a double (<c>1e999</c>).</summary>
    NonFiniteNumber,
}

/// <summary>
/// The checks System.Text.Json leaves to its caller, so that no record stores text that is not Unicode or a
/// number that is not finite (DESIGN 2.10): <see cref="Utf8JsonReader"/> passes invalid UTF-8 inside strings
/// and lone-surrogate escapes (which later throw from <c>GetString</c>), and reads <c>1e999</c> as infinity.
/// Allocation-free until a problem is found.
/// </summary>
public static class JsonChecks
{
    /// <summary>The problem of the token the reader is on: a property name, a string or a number.</summary>
    public static JsonValueProblem OfToken(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName or JsonTokenType.String:
                return reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan) ? JsonValueProblem.LoneSurrogate : JsonValueProblem.None;
            case JsonTokenType.Number:
                // Up to 15 digits without an exponent is always finite; only longer spellings are parsed.
                var raw = reader.ValueSpan;
                return (raw.Length > 15 || raw.IndexOfAny((byte)'e', (byte)'E') >= 0) && (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                    ? JsonValueProblem.NonFiniteNumber
                    : JsonValueProblem.None;
            default:
                return JsonValueProblem.None;
        }
    }

    /// <summary>Moves past the value the reader is on, as <see cref="Utf8JsonReader.Skip"/> does, checking every token in it.</summary>
    public static JsonValueProblem SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return OfToken(ref reader);
        }

        var depth = reader.CurrentDepth;
        var problem = JsonValueProblem.None;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (problem == JsonValueProblem.None)
            {
                problem = OfToken(ref reader);
            }
        }

        return problem;
    }

    /// <summary>
    /// The first problem anywhere in the JSON text <paramref name="json"/>, with the dotted path of its field
    /// (<c>products[0].price</c>; null for the record itself). <paramref name="utf8"/> also checks each
    /// string's bytes, for a record already known not to be valid UTF-8. Malformed JSON is left to the
    /// caller's parser and reported as no problem.
    /// </summary>
    public static JsonValueProblem Find(ReadOnlySpan<byte> json, bool utf8, out string? path)
    {
        path = null;
        // A first pass keeps no path, so a sound record costs no allocation; only a bad one is read again.
        return Scan(json, utf8, null, ref path) == JsonValueProblem.None ? JsonValueProblem.None : Scan(json, utf8, [], ref path);
    }

    private static JsonValueProblem Scan(ReadOnlySpan<byte> json, bool utf8, List<Frame>? frames, ref string? path)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                var problem = OfToken(ref reader);
                if (problem == JsonValueProblem.None && utf8 && reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String &&
                    !Utf8.IsValid(reader.ValueSpan))
                {
                    problem = JsonValueProblem.InvalidUtf8;
                }

                if (problem != JsonValueProblem.None)
                {
                    if (frames is not null)
                    {
                        // A bad property name is reported on the object that holds it.
                        var isName = reader.TokenType == JsonTokenType.PropertyName;
                        if (!isName)
                        {
                            Track(ref reader, frames);
                        }

                        path = Path(frames, withLastName: !isName);
                    }

                    return problem;
                }

                if (frames is not null)
                {
                    Track(ref reader, frames);
                }
            }
        }
        catch (JsonException)
        {
            // The record's own parser rejects it as malformed, with its own message.
        }

        return JsonValueProblem.None;
    }

    /// <summary>
    /// The first property name that one object of <paramref name="json"/> holds twice (names compared after
    /// unescaping), at any depth, and in <paramref name="objectPath"/> the dotted path of that object (null for the
    /// root); null when no object repeats a name. Readers disagree on which of two values such an object means
    /// (most keep the last, some the first), so a record with one is refused rather than stored as a guess.
    /// Malformed JSON is left to the caller's parser and reported as no repeat. Allocates; for checks off the hot path.
    /// </summary>
    public static string? FindRepeatedName(ReadOnlySpan<byte> json, out string? objectPath)
    {
        objectPath = null;
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueIsEscaped ? reader.GetString()! : Decode(reader.ValueSpan);
                    var names = frames[^1].Names ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!names.Add(name))
                    {
                        objectPath = Path(frames, withLastName: false);
                        return name;
                    }
                }

                Track(ref reader, frames);
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Malformed JSON, or a name whose escapes are not text: the record's own checks reject it.
        }

        return null;
    }

    /// <summary>
    /// Rejects the record for holding <paramref name="name"/> twice in the object at <paramref name="objectPath"/>
    /// (relative to <paramref name="field"/>, the field whose value the JSON is, or to the record when null).
    /// Returns false, for the caller to stop mapping.
    /// </summary>
    public static bool RejectRepeatedName(string name, string? objectPath, string? field, RecordWriter writer)
    {
        var holder = Join(field, objectPath);
        var subject = holder is null ? "The record" : $"Field [{holder}]";
        writer.Reject(RecordErrorCodes.MalformedRecord,
            $"{subject} has the property [{name}] twice; which of its values to keep would be a guess.", holder is null ? name : $"{holder}.{name}");
        return false;
    }

    /// <summary>A path inside the value of <paramref name="field"/> as a path from the record's root (either may be null).</summary>
    internal static string? Join(string? field, string? inner) => field is null ? inner : inner is null ? field : $"{field}.{inner}";

    /// <summary>The record error code for <paramref name="problem"/>.</summary>
    public static string Code(JsonValueProblem problem) =>
        problem == JsonValueProblem.NonFiniteNumber ? RecordErrorCodes.InvalidValue : RecordErrorCodes.InvalidEncoding;

    /// <summary>A message naming <paramref name="field"/> (or the record when null) and what to do.</summary>
    public static string Describe(JsonValueProblem problem, string? field)
    {
        var subject = field is null ? "The record" : $"Field [{field}]";
        return problem switch
        {
            JsonValueProblem.InvalidUtf8 => $"{subject} is not valid UTF-8; the record was not stored (save the file as UTF-8).",
            JsonValueProblem.LoneSurrogate => $"{subject} holds a \\u escape of half a surrogate pair, which is not a character; the record was not stored.",
            JsonValueProblem.NonFiniteNumber => $"{subject} holds a number too large for a double; numbers must be finite.",
            _ => $"{subject} is valid.",
        };
    }

    /// <summary>
    /// Whether the escaped text of a JSON string holds a <c>\uD800</c>–<c>\uDFFF</c> escape that is not a
    /// high surrogate followed by a low one. The reader has already checked that every escape is well-formed.
    /// </summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<byte> escaped)
    {
        for (var i = escaped.IndexOf((byte)'\\'); i >= 0 && i < escaped.Length - 1;)
        {
            if (escaped[i + 1] != 'u')
            {
                i += 2;
            }
            else
            {
                var unit = Hex4(escaped.Slice(i + 2, 4));
                if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    return true;
                }

                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (i + 12 > escaped.Length || escaped[i + 6] != '\\' || escaped[i + 7] != 'u' || Hex4(escaped.Slice(i + 8, 4)) is < 0xDC00 or > 0xDFFF)
                    {
                        return true;
                    }

                    i += 6;
                }

                i += 6;
            }

            var next = i < escaped.Length ? escaped[i..].IndexOf((byte)'\\') : -1;
            i = next < 0 ? -1 : i + next;
        }

        return false;
    }

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var c in hex)
        {
            value = (value << 4) | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }

        return value;
    }

    /// <summary>Keeps the path to the reader's position: one frame per open object (its current property) or array (its current index).</summary>
    private static void Track(ref Utf8JsonReader reader, List<Frame> frames)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                frames[^1].Name = Decode(reader.ValueSpan);
                return;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                frames.RemoveAt(frames.Count - 1);
                return;
        }

        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            frames.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray });
        }
    }

    private static string? Path(List<Frame> frames, bool withLastName)
    {
        var text = new StringBuilder();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.IsArray)
            {
                text.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Name is not null && (withLastName || i < frames.Count - 1))
            {
                text.Append(text.Length == 0 ? "" : ".").Append(frame.Name);
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private sealed class Frame
    {
        public bool IsArray { get; init; }

        public int Index { get; set; } = -1;

        public string? Name { get; set; }

        /// <summary>The names an object has held so far (<see cref="FindRepeatedName"/> only).</summary>
        public HashSet<string>? Names { get; set; }
    }

    private static string Decode(ReadOnlySpan<byte> utf8) => Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : "?";
}
