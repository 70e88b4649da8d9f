using System.Text;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class TimestampsTests
{
    [Theory]
    [InlineData("1581673287916", 1581673287916L)]
    [InlineData("2020-02-14T09:41:27.916Z", 1581673287916L)]
    [InlineData("2020-02-14T09:41:27.9Z", 1581673287900L)]
    [InlineData("2020-02-14T09:41:27.916123Z", 1581673287916L)]
    [InlineData("2020-02-14T11:41:27.916+02:00", 1581673287916L)]
    [InlineData("2020-02-14 09:41:27Z", 1581673287000L)]
    [InlineData("2020-02-14", 1581638400000L)]
    public void Epoch_milliseconds_and_iso_8601_read_to_the_same_instant(string text, long expected)
    {
        Assert.True(Timestamps.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2020-13-01T00:00:00Z")]
    [InlineData("2020-02-30T00:00:00Z")]
    public void Other_text_is_not_a_timestamp(string text) => Assert.False(Timestamps.TryParse(Encoding.UTF8.GetBytes(text), out _));
}
