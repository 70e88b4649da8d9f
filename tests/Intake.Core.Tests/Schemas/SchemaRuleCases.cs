using System.Text.Json.Nodes;
using Intake.Core.Jobs;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

/// <summary>
/// One way to break a valid example: the field at <see cref="Segments"/> removed (<see cref="Replacement"/>
/// null) or replaced, and the code and message the rejection must carry.
/// </summary>
internal sealed record RuleCase(string Id, IReadOnlyList<object> Segments, string Path, JsonNode? Replacement, string Code, string Message)
{
    public string Apply(string exampleJson)
    {
        var root = JsonNode.Parse(exampleJson)!;
        var parent = root;
        foreach (var segment in Segments.SkipLast(1))
        {
            parent = segment is int index ? parent[index]! : parent[(string)segment]!;
        }

        switch (Segments[^1])
        {
            case int index:
                parent[index] = Replacement!.DeepClone();
                break;
            case string name when Replacement is null:
                parent.AsObject().Remove(name);
                break;
            case string name:
                parent[name] = Replacement.DeepClone();
                break;
        }

        return root.ToJsonString();
    }
}

/// <summary>
/// Derives, from a compiled record type, every rule a field of its example can break: required fields,
/// declared types, enums, formats, patterns, numeric bounds and lengths, in nested objects and in the
/// first element of arrays. The forms of <c>link</c> are covered by their own tests.
/// </summary>
internal static class SchemaRuleCases
{
    /// <summary>Values used to break rules; none of them may appear in a rejection message.</summary>
    public static readonly string[] InjectedTokens = ["WRONG-VALUE-7x", "NOT-A-MEMBER-zz", "2024-02-30", "28/07/2023", "not a uri", "WRONG-pattern-value", "12.5"];

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in CdpExamples.All.Keys)
        {
            foreach (var rule in For(type))
            {
                data.Add(type, rule.Id);
            }
        }

        return data;
    }

    public static IReadOnlyList<RuleCase> For(string typeName)
    {
        var type = (SchemaRecordType)CdpRecordTypes.Get(typeName);
        var cases = new List<RuleCase>();
        Visit(type.Schema.Root, JsonNode.Parse(CdpExamples.Json(typeName)), [], "", cases);
        return cases;
    }

    private static void Visit(SchemaNode node, JsonNode? value, List<object> segments, string path, List<RuleCase> cases)
    {
        if (path.Length > 0)
        {
            AddRules(node, segments, path, cases);
        }

        if (value is null)
        {
            return;
        }

        foreach (var view in SchemaAnalysis.Views(node, throughAlternatives: false))
        {
            if (view.Items is not null && value is JsonArray { Count: > 0 } array)
            {
                Visit(view.Items, array[0], [.. segments, 0], $"{path}[0]", cases);
            }

            if (value is not JsonObject obj)
            {
                continue;
            }

            foreach (var property in view.Properties)
            {
                var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                List<object> childSegments = [.. segments, property.Name];
                if (property.Required)
                {
                    cases.Add(new($"missing {childPath}", childSegments, childPath, null, RecordErrorCodes.MissingField, $"Missing required field [{childPath}]."));
                }

                Visit(property.Node, obj[property.Name], childSegments, childPath, cases);
            }

            if (view.AdditionalSchema is not null && obj.FirstOrDefault(m => view.FindProperty(m.Key) is null) is { Key: not null } extra)
            {
                Visit(view.AdditionalSchema, extra.Value, [.. segments, extra.Key], $"{path}.{extra.Key}", cases);
            }
        }
    }

    private static void AddRules(SchemaNode node, List<object> segments, string path, List<RuleCase> cases)
    {
        var views = SchemaAnalysis.Views(node, throughAlternatives: false);
        var declared = views.Where(v => v.Types != JsonTypes.Any).Aggregate(JsonTypes.Any, (all, v) => all & v.Types);
        if (declared != JsonTypes.Any)
        {
            cases.Add(Broken("type", segments, path, WrongType(declared), RecordErrorCodes.InvalidType, views.First(v => v.Types != JsonTypes.Any).TypeRule));
        }

        if (views.FirstOrDefault(v => v.Enum is not null) is { } enumerated)
        {
            cases.Add(Broken("enum", segments, path, "NOT-A-MEMBER-zz", RecordErrorCodes.InvalidValue, enumerated.EnumRule));
        }

        foreach (var view in views)
        {
            if (view.Format != StringFormat.None)
            {
                var bad = view.Format switch
                {
                    StringFormat.DateTime => "2024-02-30T10:00:00Z",
                    StringFormat.Date => "28/07/2023",
                    StringFormat.Uri => "not a uri",
                    _ => "WRONG-VALUE-7x",
                };
                cases.Add(Broken("format", segments, path, bad, RecordErrorCodes.InvalidValue, StringFormats.Rule(view.Format)));
            }

            if (view.Pattern is not null)
            {
                cases.Add(Broken("pattern", segments, path, "WRONG-pattern-value", RecordErrorCodes.InvalidValue, "does not match the required pattern"));
            }

            if (view.MinLength > 0)
            {
                cases.Add(Broken("minLength", segments, path, new string('x', view.MinLength - 1), RecordErrorCodes.InvalidValue, view.MinLengthRule));
            }

            if (view.MaxLength >= 0)
            {
                cases.Add(Broken("maxLength", segments, path, new string('x', view.MaxLength + 1), RecordErrorCodes.InvalidValue, view.MaxLengthRule));
            }

            foreach (var bound in view.Bounds)
            {
                var limit = bound.Kind switch
                {
                    BoundKind.Minimum => bound.Limit - 1,
                    BoundKind.Maximum => bound.Limit + 1,
                    _ => bound.Limit,
                };
                cases.Add(Broken(bound.Kind.ToString(), segments, path, JsonValue.Create(limit), RecordErrorCodes.InvalidValue, bound.Rule));
            }
        }
    }

    private static JsonNode WrongType(JsonTypes allowed)
    {
        JsonNode[] candidates = (allowed & JsonTypes.Integer) != 0 && (allowed & JsonTypes.Number) == 0
            ? [JsonValue.Create(12.5)]
            : [JsonValue.Create("WRONG-VALUE-7x"), JsonValue.Create(12.5), JsonValue.Create(true), new JsonObject { ["wrong"] = "WRONG-VALUE-7x" }, new JsonArray("WRONG-VALUE-7x")];
        return candidates.First(c => (allowed & TypeOf(c)) == 0);
    }

    private static JsonTypes TypeOf(JsonNode value) => value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => JsonTypes.String,
        System.Text.Json.JsonValueKind.Number => JsonTypes.Number,
        System.Text.Json.JsonValueKind.True => JsonTypes.Boolean,
        System.Text.Json.JsonValueKind.Object => JsonTypes.Object,
        _ => JsonTypes.Array,
    };

    private static RuleCase Broken(string kind, List<object> segments, string path, JsonNode replacement, string code, string rule) =>
        new($"{kind} {path}", segments, path, replacement, code, $"Field [{path}] {rule}.");
}
