using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Quality;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// The quality report walks each record's attributes with its own scanner of valid JSON (<see cref="JsonObjectMembers"/>);
/// System.Text.Json's reader is the oracle: on generated objects (nested values, escapes in names and strings,
/// brackets and commas inside strings, whitespace anywhere JSON allows it) both find the same members, names
/// decoded alike and values as the same bytes.
/// </summary>
public sealed class JsonMembersOracleTests
{
    private static readonly string[] s_stringPieces =
        ["a", "Z", "é", "日本", "😀", " ", ",", ":", "{", "}", "[", "]", "\\\"", "\\\\", "\\/", "\\n", "\\u0041", "\\ud83d\\ude00", "null"];

    private static readonly string[] s_spaces = ["", "", "", " ", "\n\t", "\r\n  "];

    [Fact]
    public void The_scanner_finds_the_members_the_json_reader_finds()
    {
        var property = Prop.ForAll(Value(3, objectOnly: true).ToArbitrary(), json =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var expected = WithReader(bytes);
            var found = WithScanner(bytes);
            return expected.SequenceEqual(found).Label($"{json}\nreader  {string.Join(" | ", expected)}\nscanner {string.Join(" | ", found)}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(1500)).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void Bytes_that_are_not_an_object_yield_no_member_and_never_throw()
    {
        foreach (var text in new[] { "", " ", "[1,2]", "\"a\"", "{", "{\"a\"", "{\"a\":", "{\"a\" 1}", "{\"a\":\"unterminated", "{\"a\":[1,{\"b\":2}" })
        {
            var members = new JsonObjectMembers(Encoding.UTF8.GetBytes(text));
            var count = 0;
            while (members.Next(out _, out _))
            {
                count++;
            }

            Assert.True(count <= 1, text);
        }
    }

    private static List<string> WithReader(byte[] json)
    {
        var members = new List<string>();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            members.Add($"{name}={Encoding.UTF8.GetString(json, start, (int)reader.BytesConsumed - start)}");
        }

        return members;
    }

    private static List<string> WithScanner(byte[] json)
    {
        var members = new List<string>();
        var scanner = new JsonObjectMembers(json);
        while (scanner.Next(out var name, out var value))
        {
            members.Add($"{Encoding.UTF8.GetString(JsonObjectMembers.Unescape(name))}={Encoding.UTF8.GetString(value)}");
        }

        return members;
    }

    private static Gen<string> Space() => Gen.Elements(s_spaces);

    private static Gen<string> String() =>
        Gen.ListOf(Gen.Elements(s_stringPieces)).Select(pieces => "\"" + string.Concat(pieces) + "\"");

    private static Gen<string> Value(int depth, bool objectOnly = false)
    {
        var scalar = Gen.OneOf(String(), Gen.Elements("0", "-1.5e3", "12", "true", "false", "null"));
        if (depth == 0)
        {
            return objectOnly ? Gen.Constant("{}") : scalar;
        }

        var array =
            from items in Gen.ListOf(Value(depth - 1))
            from before in Space()
            from after in Space()
            select "[" + before + string.Join(after + "," + before, items) + after + "]";
        var member =
            from name in String()
            from a in Space()
            from b in Space()
            from value in Value(depth - 1)
            select name + a + ":" + b + value;
        var obj =
            from members in Gen.ListOf(member)
            from before in Space()
            from after in Space()
            select before + "{" + before + string.Join(after + "," + before, members) + after + "}" + after;
        return objectOnly ? obj : Gen.Frequency((3, scalar), (1, array), (1, obj));
    }
}
