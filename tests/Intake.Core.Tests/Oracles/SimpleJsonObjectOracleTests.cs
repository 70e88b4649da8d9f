using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// An attributes object of the usual form is read without System.Text.Json (<see cref="SimpleJsonObject"/>); the full
/// reader (<see cref="AttributeValues.CheckAndStoreObjectWithReader"/>) is the oracle. On generated objects, simple and
/// not (nested values, fractions, exponents, long and non-finite numbers, escapes, bytes outside ASCII, control
/// characters, whitespace) and on mutations of them (a byte dropped, doubled or replaced), both give the same verdict,
/// the same rejection, the same stored text and the same attribute types, against a dataset that already has types.
/// </summary>
public sealed class SimpleJsonObjectOracleTests
{
    private static readonly string[] s_names =
        ["position", "count", "flag", "when", "price", "label", "a", "", "x y", "é", "\\u0061", "tab\\t", "{", ":"];

    private static readonly string[] s_values =
    [
        "\"web\"", "\"\"", "\"2024-03-01T12:00:00Z\"", "\"a,b}\"", "\"é\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\t\"", "\"\u001f\"", "\"\u007f\"", "\"\u0080\"",
        "0", "-0", "12", "-7", "01", "-", "1.5", "1e3", "1E+2", "243.45", "-0.5", "0.0", "1.", ".5", "-.5", "01.5", "1.5.5",
        "1.5e3", "123456789.12345", "-12345678.12345", "1234567890.12345", "0.000000000001", "0.0000000000001", "99999999999999.9",
        "123456789012345678", "-123456789012345678",
        "1234567890123456789", "99999999999999999999", "1e999", "true", "false", "null", "tru", "nul", "falsey",
        "[1,2]", "[]", "{\"k\":1}", "{}",
    ];

    private static readonly string[] s_spaces = ["", "", "", "", " ", "\n", "\t ", "\r\n"];

    private static readonly char[] s_mutations = ['{', '}', '"', ':', ',', ' ', '\\', '1', '-', '.', 'e', 't', 'é', '\0', '\u001f'];

    [Fact]
    public void The_simple_reader_and_the_full_reader_agree_on_generated_objects()
    {
        var property = Prop.ForAll(Object().ToArbitrary(), json => Agree(Encoding.UTF8.GetBytes(json)).Label(json));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(3000)).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void The_simple_reader_and_the_full_reader_agree_on_damaged_objects()
    {
        var damaged =
            from json in Object()
            from at in Gen.Choose(0, 1000)
            from how in Gen.Choose(0, 2)
            from replacement in Gen.Elements(s_mutations)
            select Damage(json, at, how, replacement);
        var property = Prop.ForAll(damaged.ToArbitrary(), json => Agree(Encoding.UTF8.GetBytes(json)).Label(json));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(3000)).WithQuietOnSuccess(true), property);
    }

    [Theory]
    [InlineData("{\"source\":\"web\",\"position\":6}", true)]
    [InlineData(" { \"source\" : \"web\" , \"position\" : 6 } ", true)]
    [InlineData("{}", true)]
    [InlineData("{\"price\":243.45,\"stock\":867,\"brand\":\"brand-0\"}", true)]
    [InlineData("{\"n\":null,\"b\":false,\"t\":true,\"i\":-0}", true)]
    [InlineData("{\"a\":1e5}", false)]
    [InlineData("{\"a\":1234567890.12345}", false)]
    [InlineData("{\"a\":1234567890123456789}", false)]
    [InlineData("{\"a\":\"\\n\"}", false)]
    [InlineData("{\"é\":1}", false)]
    [InlineData("{\"a\":[1]}", false)]
    [InlineData("{\"a\":1,}", false)]
    [InlineData("{\"a\":1} x", false)]
    [InlineData("\uFEFF{}", false)]
    public void The_usual_forms_are_read_by_the_simple_reader_and_others_left_to_the_full_reader(string json, bool simple) =>
        AssertReadBy(Encoding.UTF8.GetBytes(json), simple);

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void An_object_of_many_members_is_left_to_the_full_reader_past_256(int members, bool simple) =>
        AssertReadBy(Encoding.UTF8.GetBytes("{" + string.Join(",", Enumerable.Range(0, members).Select(i => $"\"a{i}\":{i}")) + "}"), simple);

    /// <summary>Which reader takes <paramref name="json"/>, and that both give the same result on it.</summary>
    private static void AssertReadBy(byte[] json, bool simple)
    {
        Assert.Equal(simple, new SimpleJsonObject().TryRead(json));
        Assert.True(Agree(json));
    }

    private static bool Agree(byte[] json)
    {
        var simple = Run(json, AttributeValues.CheckAndStoreObject);
        var full = Run(json, AttributeValues.CheckAndStoreObjectWithReader);
        if (simple != full)
        {
            throw new Xunit.Sdk.XunitException($"{Encoding.UTF8.GetString(json)}\nsimple: {simple}\nfull:   {full}");
        }

        return true;
    }

    private delegate bool CheckAndStore(ReadOnlySpan<byte> json, string field, RecordWriter writer);

    /// <summary>Everything the check leaves behind, as text to compare.</summary>
    private static string Run(byte[] json, CheckAndStore check)
    {
        var types = new AttributeTypeMap(
            [
                new("position", AttributeType.String), new("count", AttributeType.Integer), new("flag", AttributeType.Boolean),
                new("when", AttributeType.Timestamp), new("price", AttributeType.Double), new("label", AttributeType.String),
            ],
            csvText: ["label"]);
        var batch = new RecordBatch(4, 4096);
        var writer = new RecordWriter(new InteractionRecordType(), types, "ds", batch);
        writer.Begin(1);
        writer.SetType("view"u8);
        writer.SetId("u"u8);
        writer.SetTargetId("i"u8);
        writer.SetTimestamp(0);
        var accepted = check(json, "metadata", writer);
        if (accepted)
        {
            writer.Commit();
        }

        var stored = batch.Count == 1 ? Encoding.UTF8.GetString(batch.Text(batch.Slots[0].Attributes)) : "";
        var rejections = string.Join(" | ", batch.Rejections.Select(r => $"{r.Code} {r.Message} {r.Field} {r.ErrorId}"));
        var map = string.Join(", ", types.All.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        var changes = string.Join(", ", types.Changes);
        return $"accepted={accepted} stored=[{stored}] rejected=[{rejections}] types=[{map}] changes=[{changes}]";
    }

    private static string Damage(string json, int at, int how, char replacement)
    {
        if (json.Length == 0)
        {
            return replacement.ToString();
        }

        var i = at % json.Length;
        return how switch
        {
            0 => json.Remove(i, 1),
            1 => json.Insert(i, json[i].ToString()),
            _ => json.Remove(i, 1).Insert(i, replacement.ToString()),
        };
    }

    private static Gen<string> Space() => Gen.Elements(s_spaces);

    private static Gen<string> Object()
    {
        var simpleValue = Gen.Elements("\"web\"", "\"ios\"", "6", "-12", "0", "243.45", "-0.5", "true", "false", "null", "\"2024-03-01T12:00:00Z\"");
        var value = Gen.Frequency((3, simpleValue), (1, Gen.Elements(s_values)));
        var member =
            from name in Gen.Elements(s_names)
            from a in Space()
            from b in Space()
            from v in value
            select "\"" + name + "\"" + a + ":" + b + v;
        return
            from members in Gen.ListOf(member)
            from before in Space()
            from after in Space()
            select before + "{" + before + string.Join(after + "," + before, members) + after + "}" + after;
    }
}
