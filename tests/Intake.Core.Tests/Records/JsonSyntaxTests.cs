using System.Text;
using System.Text.Json;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class JsonSyntaxTests
{
    [Theory]
    [InlineData("""{"a":1,}""", "The record is not valid JSON (error at byte 7).")]
    [InlineData("""{"a":""", "The record is not valid JSON (error at byte 5).")]
    [InlineData("garbage", "The record is not valid JSON (error at byte 0).")]
    [InlineData("{\n  \"a\": 1,\n  \"b\": ]\n}", "The record is not valid JSON (error at byte 19).")]
    public void A_syntax_error_is_placed_by_its_byte_offset_in_the_text_without_quoting_it(string json, string message) =>
        Assert.Equal(message, Describe("The record", json));

    [Fact]
    public void Nesting_past_the_limit_is_named_as_such_and_placed_at_the_container_that_exceeds_it()
    {
        var json = "{\"a\":" + new string('[', JsonSyntax.MaxDepth) + new string(']', JsonSyntax.MaxDepth) + "}";

        Assert.Equal($"Field [metadata] nests objects and arrays more than 64 levels deep, the limit (at byte {5 + JsonSyntax.MaxDepth - 1}).",
            Describe("Field [metadata]", json));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read()
    {
        var json = "{\"a\":" + new string('[', JsonSyntax.MaxDepth - 1) + new string(']', JsonSyntax.MaxDepth - 1) + "}";

        JsonDocument.Parse(json).Dispose();
    }

    [Fact]
    public void Text_that_is_too_deep_and_also_malformed_further_on_is_named_by_its_first_fault()
    {
        var deepThenBroken = new string('[', 100) + new string(']', 100) + " x";
        var brokenThenDeep = "[x" + new string('[', 100);

        Assert.Contains("more than 64 levels deep", Describe("The record", deepThenBroken), StringComparison.Ordinal);
        Assert.Equal("The record is not valid JSON (error at byte 1).", Describe("The record", brokenThenDeep));
    }

    private static string Describe(string subject, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var exception = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(bytes).Dispose());
        return JsonSyntax.Describe(subject, bytes, exception);
    }
}
