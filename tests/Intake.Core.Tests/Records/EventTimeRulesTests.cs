using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class EventTimeRulesTests
{
    private static readonly DateTimeOffset s_now = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1990-01-01T00:00:00Z", true)]
    [InlineData("1989-12-31T23:59:59.999Z", false)]
    [InlineData("2024-06-02T00:00:00Z", true)]
    [InlineData("2024-06-02T00:00:00.001Z", false)]
    [InlineData("631152000", true)]
    [InlineData("631151999", false)]
    [InlineData("0", false)]
    public void The_default_window_runs_from_1990_to_a_day_after_now(string text, bool inside)
    {
        var rules = EventTimeRules.Default(s_now);

        var ok = rules.TryRead(Encoding.UTF8.GetBytes(text), "timestamp", out _, out var code, out _);

        Assert.Equal(inside, ok);
        Assert.Equal(inside ? "" : RecordErrorCodes.TimestampOutOfRange, code);
    }

    [Fact]
    public void A_value_in_the_wrong_unit_names_the_unit_that_fits()
    {
        var rules = EventTimeRules.Default(s_now, TimestampUnit.Seconds);

        Assert.False(rules.TryRead("1709294400000"u8, "action_at", out _, out var code, out var message));

        Assert.Equal(RecordErrorCodes.TimestampOutOfRange, code);
        Assert.StartsWith("Field [action_at] with value [1709294400000] is +0561", message, StringComparison.Ordinal);
        Assert.Contains("(read as epoch seconds)", message, StringComparison.Ordinal);
        Assert.Contains("Read as milliseconds it would be 2024-03-01T12:00:00.000Z", message, StringComparison.Ordinal);
        Assert.Contains("timestampUnit=milliseconds", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_and_a_time_in_the_future_say_what_they_usually_are()
    {
        var rules = new EventTimeRules(null, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), s_now);

        Assert.False(rules.TryRead("1970-01-01"u8, "timestamp", out _, out _, out var early));
        Assert.False(rules.TryRead("2030-01-01T00:00:00Z"u8, "timestamp", out _, out _, out var late));
        Assert.False(rules.TryRead("soon"u8, "timestamp", out _, out var invalid, out var notATime));

        Assert.Contains("from 2000-01-01T00:00:00.000Z to 2024-06-01T00:00:00.000Z", early, StringComparison.Ordinal);
        Assert.Contains("placeholders", early, StringComparison.Ordinal);
        Assert.Contains("wrong clock", late, StringComparison.Ordinal);
        Assert.Equal(RecordErrorCodes.InvalidValue, invalid);
        Assert.Contains("is not a timestamp", notATime, StringComparison.Ordinal);
    }
}
