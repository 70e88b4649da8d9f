using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

/// <summary>
/// For every CDP type, every rule its compiled schema states about the fields of the type's example is broken
/// once (<see cref="SchemaRuleCases"/>): the record must be rejected naming the field, with the rule's code and
/// message, and without echoing any value, personal or not.
/// </summary>
public class CdpRuleViolationTests
{
    public static TheoryData<string, string> Cases => SchemaRuleCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Breaking_a_rule_rejects_the_record_naming_the_field_without_echoing_values(string typeName, string caseId)
    {
        var rule = SchemaRuleCases.For(typeName).Single(c => c.Id == caseId);
        var example = CdpExamples.Json(typeName);

        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get(typeName), rule.Apply(example)).SingleRejection;

        Assert.Equal(rule.Path, rejection.Field);
        Assert.Equal(rule.Code, rejection.Code);
        Assert.Equal(rule.Message, rejection.Message);
        Assert.Contains($"[{rule.Path}]", rejection.Message, StringComparison.Ordinal);
        Assert.Equal("line:1", rejection.ErrorId);
        foreach (var value in CdpExamples.PersonalValues.Concat(SchemaRuleCases.InjectedTokens))
        {
            Assert.DoesNotContain(value, rejection.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, rejection.ErrorId, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(CdpExamples.Names), MemberType = typeof(CdpExamples))]
    public void Every_type_has_rule_cases_for_each_required_field(string typeName)
    {
        var type = (SchemaRecordType)CdpRecordTypes.Get(typeName);
        var missing = SchemaRuleCases.For(typeName).Where(c => c.Id.StartsWith("missing ", StringComparison.Ordinal)).Select(c => c.Path).ToList();

        Assert.All(type.Schema.RequiredProperties, required => Assert.Contains(required, missing));
    }

    [Fact]
    public void The_rule_cases_cover_types_enums_formats_patterns_and_bounds()
    {
        var kinds = CdpExamples.All.Keys.SelectMany(SchemaRuleCases.For).Select(c => c.Id.Split(' ')[0]).ToHashSet();

        Assert.Superset(new HashSet<string> { "missing", "type", "enum", "format", "pattern", "Minimum", "Maximum", "ExclusiveMaximum", "minLength", "maxLength" }, kinds);
    }
}
