using System.Text;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Text;

namespace Intake.Core.Tests.Text;

public sealed class EchoTests
{
    [Theory]
    [InlineData("short", 100, "short")]
    [InlineData("abcdef", 3, "abc…")]
    [InlineData("ab😀cd", 3, "ab…")]
    [InlineData("ab😀cd", 4, "ab😀…")]
    [InlineData("日本語のテキスト", 3, "日本語…")]
    public void A_value_is_cut_to_its_first_characters_never_inside_a_surrogate_pair(string value, int maxChars, string expected)
    {
        Assert.Equal(expected, Echo.Of(Encoding.UTF8.GetBytes(value), maxChars));
        Assert.Equal(expected, Echo.Cut(value, maxChars));
    }

    [Fact]
    public void A_rejection_quotes_at_most_a_hundred_characters_of_the_value()
    {
        var batch = new RecordBatch(16, 1 << 20);
        var writer = new RecordWriter(BuiltInRecordTypes.Entity, new AttributeTypeMap([new("price", AttributeType.Double)]), "ds", batch);
        var value = new string('x', 10_000);

        writer.Begin(2);
        Assert.False(writer.CheckAttribute("price"u8, AttributeType.String, Encoding.UTF8.GetBytes(value)));

        var rejection = Assert.Single(batch.Rejections);
        Assert.Equal($"Attribute price with value [{new string('x', 100)}…] is not of double type.", rejection.Message);
    }
}
