using System.Text.Json;

namespace Intake.Core.Schemas;

/// <summary>One allowed value of an <c>enum</c> or <c>const</c>: strings compare as UTF-8, anything else structurally.</summary>
internal sealed class EnumValue(JsonElement value)
{
    private readonly byte[]? _utf8 = value.ValueKind == JsonValueKind.String ? System.Text.Encoding.UTF8.GetBytes(value.GetString()!) : null;

    public JsonElement Value { get; } = value;

    public string Text { get; } = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public bool Matches(JsonElement candidate) => _utf8 is not null
        ? candidate.ValueKind == JsonValueKind.String && candidate.ValueEquals(_utf8)
        : JsonElement.DeepEquals(candidate, Value);
}
