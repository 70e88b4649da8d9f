using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Schemas;
using Intake.Core.Tests.Schemas;
using Json.Schema;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// Issue 14 item 10: for the twelve CDP record types, Intake's compiled validators and JsonSchema.Net 8.0.5 over
/// the same schemas (the repo's copy of ../shared/record-schemas, linked into the test output as
/// <c>record-schemas/</c>) must give the same accept or reject verdict on the valid examples and on records
/// mutated from them: properties removed (required or not, at any depth), values replaced by values of other
/// types or in bad formats, extra properties added.
/// </summary>
public sealed class SchemaOracleTests
{
    private static readonly string[] s_types = CdpRecordTypes.All.Select(t => t.Name).ToArray();

    private static readonly Dictionary<string, JsonSchema> s_reference = s_types.ToDictionary(
        name => name,
        // The CDP schemas name no $schema and use draft-07's "definitions"; JsonSchema.Net reads them as draft 7.
        name => JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "record-schemas", name + ".json")),
            new BuildOptions { Dialect = Dialect.Draft07 }));

    private static readonly EvaluationOptions s_options = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    // Values of every JSON type, including ones each format and bound must refuse and ones they must accept.
    private static readonly string[] s_values =
    [
        "null", "true", "false", "0", "-1", "1", "2.0", "1.5", "90", "-90.5", "180", "-181", "1e300", "-1e300", "123456789012",
        "\"\"", "\"x\"", "\"USD\"", "\"2024-03-01T10:00:00Z\"", "\"2024-03-01T10:00:00.123+10:00\"", "\"2024-03-01\"",
        "\"2024-13-01T00:00:00Z\"", "\"2024-02-30\"", "\"2024-03-01T10:00:00\"", "\"not a date\"", "\"https://fake.com/a\"", "\"no-scheme\"",
        "\"jane@fake.com\"", "\"no at sign\"", "\"email\"", "\"sku\"", "\"subscribed\"", "\"ecommerce\"", "{}", "[]", "{\"x\":1}", "[\"a\"]",
        "[{}]", "{\"email\":\"jane@fake.com\"}", "{\"customer_id\":\"42\"}",
    ];

    [Fact]
    public void Every_valid_example_is_valid_for_both()
    {
        foreach (var name in s_types)
        {
            var record = JsonNode.Parse(CdpExamples.Json(name))!;
            Assert.Equal((true, true), (IntakeAccepts(name, record), ReferenceAccepts(name, record)));
        }
    }

    [Fact]
    public void Intake_and_JsonSchema_Net_agree_on_mutated_records()
    {
        var property = Prop.ForAll(MutatedRecords().ToArbitrary(), sample =>
        {
            var intake = IntakeAccepts(sample.Type, sample.Record);
            var reference = ReferenceAccepts(sample.Type, sample.Record);
            return (intake == reference).Label($"{sample.Type}: intake {intake}, JsonSchema.Net {reference}, after {sample.Mutations}: {sample.Record.ToJsonString()}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(1500)).WithQuietOnSuccess(true), property);
    }

    [Theory]
    [InlineData("2024-03-01T10:00:00Z")]
    [InlineData("2024-03-01t10:00:00z")]
    [InlineData("2024-03-01T10:00:00.123456789Z")]
    [InlineData("2024-03-01T10:00:00-05:30")]
    [InlineData("2024-03-01T10:00Z")]
    [InlineData("2024-03-01T10:00:00")]
    [InlineData("2024-03-01T10:00:00+0100")]
    [InlineData("2024-03-01T10:00:00+24:00")]
    [InlineData("2024-03-01T24:00:00Z")]
    [InlineData("2024-02-29T10:00:00Z")]
    [InlineData("2023-02-29T10:00:00Z")]
    [InlineData("2024-03-01T10:00:00.Z")]
    [InlineData("2024-03-01")]
    [InlineData("1709294400")]
    public void Both_judge_date_times_alike(string value)
    {
        var record = JsonNode.Parse(CdpExamples.Json("purchase"))!;
        record["action_at"] = value;

        Assert.Equal(ReferenceAccepts("purchase", record), IntakeAccepts("purchase", record));
    }

    /// <summary>
    /// Where RFC 3339 leaves room and Intake chose the narrower reading (docs/decisions.md, "Schema formats"): its
    /// ABNF writes <c>T</c>; a space is only allowed "by agreement" in a note. JsonSchema.Net accepts the space.
    /// </summary>
    [Fact]
    public void The_documented_narrower_reading_of_a_space_for_T()
    {
        var record = JsonNode.Parse(CdpExamples.Json("purchase"))!;
        record["action_at"] = "2024-03-01 10:00:00Z";

        Assert.Equal((true, false), (ReferenceAccepts("purchase", record), IntakeAccepts("purchase", record)));
    }

    /// <summary>
    /// Year 0000 is a valid RFC 3339 year but has no .NET date, so Intake refuses it (no key time or export could
    /// hold it). JsonSchema.Net 8.0.5 does not give a verdict at all: it throws from DateTime.DaysInMonth.
    /// </summary>
    [Fact]
    public void Year_zero_is_refused_by_intake_where_the_reference_throws()
    {
        var record = JsonNode.Parse(CdpExamples.Json("purchase"))!;
        record["action_at"] = "0000-01-01T00:00:00Z";

        Assert.False(IntakeAccepts("purchase", record));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceAccepts("purchase", record));
    }

    [Fact]
    public void The_mutations_make_both_valid_and_invalid_records()
    {
        // Proves the agreement above is not vacuous: the generator reaches both verdicts often.
        var samples = MutatedRecords().Sample(500, 20);
        var accepted = samples.Count(s => ReferenceAccepts(s.Type, s.Record));

        Assert.InRange(accepted, 40, 460);
    }

    /// <summary>A record of <see cref="Type"/> and what was done to its example.</summary>
    public sealed record Sample(string Type, JsonNode Record, string Mutations);

    private static Gen<Sample> MutatedRecords() =>
        from type in Gen.Elements(s_types)
        from steps in Gen.ListOf(Mutation()).Select(s => s.Take(3).ToList())
        select Apply(type, steps);

    private static Gen<(int Kind, int Pick, string Value, string Name)> Mutation() =>
        from kind in Gen.Choose(0, 3)
        from pick in Gen.Choose(0, 10_000)
        from value in Gen.Elements(s_values)
        from name in Gen.Elements("extra", "link", "action_at", "type", "id", "x")
        select (kind, pick, value, name);

    private static Sample Apply(string type, List<(int Kind, int Pick, string Value, string Name)> steps)
    {
        var record = JsonNode.Parse(CdpExamples.Json(type))!;
        var done = new List<string>();
        foreach (var (kind, pick, value, name) in steps)
        {
            var places = Places(record).ToList();
            var (parent, key, path) = places[pick % places.Count];
            switch (kind)
            {
                case 0 when parent is JsonObject obj:
                    obj.Remove((string)key);
                    done.Add($"remove {path}");
                    break;
                case 1 when parent is JsonObject obj:
                    obj[(string)key] = JsonNode.Parse(value);
                    done.Add($"set {path}={value}");
                    break;
                case 1 when parent is JsonArray array:
                    array[(int)key] = JsonNode.Parse(value);
                    done.Add($"set {path}={value}");
                    break;
                case 2:
                    var target = (parent as JsonObject) ?? (JsonObject)record;
                    if (!target.ContainsKey(name))
                    {
                        target[name] = JsonNode.Parse(value);
                        done.Add($"add {name}={value} beside {path}");
                    }

                    break;
                default:
                    // Also mutate the whole record's direct members, where most required fields are.
                    var root = (JsonObject)record;
                    var member = root.ElementAt(pick % root.Count).Key;
                    root[member] = JsonNode.Parse(value);
                    done.Add($"set {member}={value}");
                    break;
            }
        }

        return new Sample(type, record, done.Count == 0 ? "nothing" : string.Join("; ", done));
    }

    /// <summary>Every member and element under the record, with its parent, its key and its path.</summary>
    private static IEnumerable<(JsonNode Parent, object Key, string Path)> Places(JsonNode node, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    yield return (obj, key, at);
                    if (child is not null)
                    {
                        foreach (var inner in Places(child, at))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, i, $"{path}[{i}]");
                    if (array[i] is { } child)
                    {
                        foreach (var inner in Places(child, $"{path}[{i}]"))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
        }
    }

    private static bool IntakeAccepts(string type, JsonNode record)
    {
        using var document = JsonDocument.Parse(record.ToJsonString());
        return ((SchemaRecordType)CdpRecordTypes.Get(type)).Schema.Validate(document.RootElement, out _);
    }

    private static bool ReferenceAccepts(string type, JsonNode record)
    {
        using var document = JsonDocument.Parse(record.ToJsonString());
        return s_reference[type].Evaluate(document.RootElement, s_options).IsValid;
    }
}
