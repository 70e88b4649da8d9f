using Intake.Core.Text;

namespace Intake.Core.Tests.Text;

public sealed class NameListTests
{
    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "n0")]
    [InlineData(3, "n0, n1, n2")]
    [InlineData(20, "n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19")]
    [InlineData(21, "n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19 and 1 more")]
    [InlineData(200_000, "n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19 and 199,980 more")]
    public void Up_to_twenty_names_are_listed_and_the_rest_counted(int count, string expected) =>
        Assert.Equal(expected, NameList.Of(Enumerable.Range(0, count).Select(i => $"n{i}")));

    [Fact]
    public void A_name_longer_than_a_hundred_characters_is_cut()
    {
        Assert.Equal(new string('a', 100) + "…, b", NameList.Of([new string('a', 100_000), "b"]));
        Assert.Equal(new string('a', 100), NameList.Of([new string('a', 100)]));
    }
}
