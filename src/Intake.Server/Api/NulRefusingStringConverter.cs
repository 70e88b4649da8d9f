using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Server.Api;

/// <summary>
/// Reads a request body's strings, refusing one that holds a NUL: PostgreSQL stores no NUL, so a dataset name or a
/// description with one used to fail as a 500 there. <see cref="Errors.BodyErrors"/> names the field.
/// </summary>
internal sealed class NulRefusingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0') ? throw new JsonException(null, new HoldsNulException()) : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Marks the <see cref="JsonException"/> of a string that holds a NUL.</summary>
    internal sealed class HoldsNulException() : Exception("The string holds a NUL.");
}
