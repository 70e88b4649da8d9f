using System.Text.Json;

namespace Intake.Core.Records;

/// <summary>
/// What to tell a user about JSON that System.Text.Json refused: where it failed, and whether the only fault is
/// nesting deeper than <see cref="MaxDepth"/>. Its own messages are not used, since they can quote the input.
/// </summary>
public static class JsonSyntax
{
    /// <summary>The deepest nesting of objects and arrays a record or a field may have (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The message for <paramref name="json"/>, which failed with <paramref name="exception"/>, naming it as
    /// <paramref name="subject"/> (<c>The record</c>, <c>Field [metadata]</c>). The position is the 0-based byte
    /// offset in <paramref name="json"/>.
    /// </summary>
    public static string Describe(string subject, ReadOnlySpan<byte> json, JsonException exception)
    {
        var offset = Offset(json, exception);
        return IsDepthLimit(json, offset)
            ? $"{subject} nests objects and arrays more than {MaxDepth} levels deep, the limit (at byte {offset})."
            : $"{subject} is not valid JSON (error at byte {offset}).";
    }

    /// <summary>The failure's offset in <paramref name="json"/>, from the reader's 0-based line and byte in that line.</summary>
    private static long Offset(ReadOnlySpan<byte> json, JsonException exception)
    {
        var lineStart = 0;
        for (var line = exception.LineNumber ?? 0; line > 0; line--)
        {
            var next = json[lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            lineStart += next + 1;
        }

        return Math.Min(json.Length, lineStart + (exception.BytePositionInLine ?? 0));
    }

    /// <summary>
    /// Whether the failure at <paramref name="offset"/> is the depth limit: read again without the limit, the text
    /// opens an object or array deeper than <see cref="MaxDepth"/> allows by that offset. (A reader limited in depth
    /// cannot tell; its exception type is internal.)
    /// </summary>
    private static bool IsDepthLimit(ReadOnlySpan<byte> json, long offset)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read() && reader.TokenStartIndex <= offset)
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed before the depth was reached.
        }

        return false;
    }
}
