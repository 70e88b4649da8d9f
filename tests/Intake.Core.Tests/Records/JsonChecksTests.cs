using System.Text;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class JsonChecksTests
{
    [Theory]
    [InlineData(@"plain", false)]
    [InlineData(@"\ud83d\ude00", false)]
    [InlineData(@"a\\ud800", false)]
    [InlineData(@"\u00e9\n\t", false)]
    [InlineData(@"\ud800", true)]
    [InlineData(@"\uDBFF x", true)]
    [InlineData(@"\ude00", true)]
    [InlineData(@"\ud83d\u0041", true)]
    [InlineData(@"\\\ud800", true)]
    [InlineData(@"\ud83d\ude00\ud83d", true)]
    public void Lone_surrogate_escapes_are_found_and_pairs_and_escaped_backslashes_are_not(string escaped, bool lone) =>
        Assert.Equal(lone, JsonChecks.HasLoneSurrogate(Encoding.UTF8.GetBytes(escaped)));

    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", JsonValueProblem.None, null)]
    [InlineData("""{"a":1e999}""", JsonValueProblem.NonFiniteNumber, "a")]
    [InlineData("""{"a":-1e999}""", JsonValueProblem.NonFiniteNumber, "a")]
    [InlineData("""{"a":1e308,"b":123456789012345678901234567890}""", JsonValueProblem.None, null)]
    [InlineData("""{"a":{"b":[1,{"c":"\ud800"}]}}""", JsonValueProblem.LoneSurrogate, "a.b[1].c")]
    [InlineData("""{"a":{"x":1,"\udc00":2}}""", JsonValueProblem.LoneSurrogate, "a")]
    [InlineData("""[1,[2,1e400]]""", JsonValueProblem.NonFiniteNumber, "[1][1]")]
    [InlineData("""{"a":""", JsonValueProblem.None, null)]
    public void Find_names_the_first_problem_by_its_path(string json, JsonValueProblem expected, string? path)
    {
        Assert.Equal(expected, JsonChecks.Find(Encoding.UTF8.GetBytes(json), utf8: false, out var found));
        Assert.Equal(path, found);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "a", null)]
    [InlineData("""{"a":1,"b":{"x":1,"y":[{"z":1,"z":null}]}}""", "z", "b.y[0]")]
    [InlineData("""{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":1}]}""", null, null)]
    [InlineData("""{"a":1,"\u0061":2}""", "a", null)]
    [InlineData("""{"a":1,"A":2}""", null, null)]
    [InlineData("""[{"k":1},{"k":2,"k":3}]""", "k", "[1]")]
    [InlineData("""{"a":1,""", null, null)]
    public void FindRepeatedName_names_a_name_one_object_holds_twice_and_where_that_object_is(string json, string? name, string? path)
    {
        Assert.Equal(name, JsonChecks.FindRepeatedName(Encoding.UTF8.GetBytes(json), out var found));
        Assert.Equal(path, found);
    }

    [Fact]
    public void Find_with_utf8_names_a_string_whose_bytes_are_not_utf8()
    {
        byte[] json = [.. "{\"a\":\"ok\",\"b\":[\"x\",\""u8, 0xC0, 0xAF, .. "\"]}"u8];

        Assert.Equal(JsonValueProblem.InvalidUtf8, JsonChecks.Find(json, utf8: true, out var path));
        Assert.Equal("b[1]", path);
    }
}
