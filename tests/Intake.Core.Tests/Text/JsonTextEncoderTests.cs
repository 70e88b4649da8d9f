using System.Text.Json;
using Intake.Core.Text;

namespace Intake.Core.Tests.Text;

public sealed class JsonTextEncoderTests
{
    private static readonly JsonSerializerOptions s_options = new() { Encoder = JsonTextEncoder.Instance };

    [Theory]
    [InlineData("Café \"Zürich\" 😀 <b>&'", "\"Café \\\"Zürich\\\" 😀 <b>&'\"")]
    [InlineData("a\\b\nc\td\r\u0001\u007f\u0085", "\"a\\\\b\\nc\\td\\r\\u0001\\u007F\\u0085\"")]
    [InlineData("line\u2028sep\u2029", "\"line\\u2028sep\\u2029\"")]
    [InlineData("日本語 Ελληνικά", "\"日本語 Ελληνικά\"")]
    public void Text_is_written_as_itself_and_only_what_json_or_ndjson_needs_is_escaped(string value, string expected)
    {
        var json = JsonSerializer.Serialize(value, s_options);

        Assert.Equal(expected, json);
        Assert.Equal(value, JsonSerializer.Deserialize<string>(json));
    }

    [Fact]
    public void Utf8_writers_use_it_for_names_and_values()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonTextEncoder.Instance }))
        {
            writer.WriteStartObject();
            writer.WriteString("nom \"é\"", "naïve \"😀\"");
            writer.WriteEndObject();
        }

        Assert.Equal("{\"nom \\\"é\\\"\":\"naïve \\\"😀\\\"\"}", System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
