using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>Parsing of definition and schema documents, where a syntax error is the author's mistake, not ours.</summary>
internal static class SchemaJson
{
    public static JsonDocument Parse(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, $"The {what} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Unescaped UTF-8 of a string, or the JSON text of a number or boolean; false for anything else.</summary>
    public static bool TryGetScalarUtf8(JsonElement value, out ReadOnlySpan<byte> utf8)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value)[1..^1];
                utf8 = raw.IndexOf((byte)'\\') < 0 ? raw : System.Text.Encoding.UTF8.GetBytes(value.GetString()!);
                return true;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                utf8 = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
                return true;
            default:
                utf8 = default;
                return false;
        }
    }
}
