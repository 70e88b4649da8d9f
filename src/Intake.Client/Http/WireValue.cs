using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>A value the API sends as a string from an open set (a code, a status), kept as it came.</summary>
internal interface IWireValue<TSelf>
    where TSelf : struct, IWireValue<TSelf>
{
    string Value { get; }

    static abstract TSelf FromWire(string value);
}

/// <summary>Reads and writes an <see cref="IWireValue{TSelf}"/> as its JSON string.</summary>
internal sealed class WireValueConverter<T> : JsonConverter<T>
    where T : struct, IWireValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => T.FromWire(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
