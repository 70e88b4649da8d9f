using System.Text;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class AttributeTypeMapTests
{
    [Fact]
    public void A_full_map_refuses_new_names_only_and_says_so()
    {
        var map = new AttributeTypeMap([new("a", AttributeType.Integer)], maxAttributes: 2);

        Assert.True(map.Fits("b"u8, AttributeType.String, out _));
        Assert.False(map.Fits("c"u8, AttributeType.String, out _));
        Assert.False(map.FitsCsvText("d"u8, out _));
        Assert.True(map.IsRefusedForRoom("c"u8));
        Assert.True(map.Fits("a"u8, AttributeType.Integer, out _));
        Assert.False(map.Fits("a"u8, AttributeType.String, out var declared));
        Assert.Equal(AttributeType.Integer, declared);
        Assert.False(map.IsRefusedForRoom("a"u8));
        Assert.True(map.FitsCsvText("b"u8, out _));
        Assert.Equal(["b"], map.Changes.Select(c => c.Name));
    }

    [Fact]
    public void A_map_loaded_over_its_limit_keeps_every_known_name()
    {
        var known = Enumerable.Range(0, 5).Select(i => new KeyValuePair<string, AttributeType>($"k{i}", AttributeType.Integer));
        var map = new AttributeTypeMap(known, maxAttributes: 3);

        Assert.All(Enumerable.Range(0, 5), i => Assert.True(map.Fits(Encoding.UTF8.GetBytes($"k{i}"), AttributeType.Integer, out _)));
        Assert.False(map.Fits("k5"u8, AttributeType.Integer, out _));
    }
}
