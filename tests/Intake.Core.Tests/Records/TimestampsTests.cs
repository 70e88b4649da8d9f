using System.Text;
using Intake.Core.Records;

namespace Intake.Core.Tests.Records;

public sealed class TimestampsTests
{
    [Theory]
    [InlineData("1581673287916", 1581673287916L)]
    [InlineData("1581673287", 1581673287000L)]
    [InlineData("1581673287916123", 1581673287916L)]
    [InlineData("1581673287916123456", 1581673287916L)]
    [InlineData("+1581673287", 1581673287000L)]
    [InlineData(" 1581673287 ", 1581673287000L)]
    [InlineData("2020-02-14T09:41:27.916Z", 1581673287916L)]
    [InlineData("2020-02-14t09:41:27.916z", 1581673287916L)]
    [InlineData("2020-02-14T09:41:27.9Z", 1581673287900L)]
    [InlineData("2020-02-14T09:41:27.916123Z", 1581673287916L)]
    [InlineData("2020-02-14T11:41:27.916+02:00", 1581673287916L)]
    [InlineData("2020-02-14T11:41:27.916+0200", 1581673287916L)]
    [InlineData("2020-02-14T11:41:27.916+02", 1581673287916L)]
    [InlineData("2020-02-14T09:41:27.916", 1581673287916L)]
    [InlineData("2020-02-14 09:41:27Z", 1581673287000L)]
    [InlineData("2020-02-14T09:41Z", 1581673260000L)]
    [InlineData("2020-02-14", 1581638400000L)]
    public void Iso_8601_and_integer_epoch_values_in_any_unit_read_to_the_same_instant(string text, long expected)
    {
        Assert.True(Timestamps.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("2020-02-14T09:41:27.916Z")]
    [InlineData("2020-02-14 09:41:27+02:00")]
    [InlineData("2020-02-14T09:41")]
    [InlineData("2020-02-14T24:00:00Z")]
    [InlineData("2020-02-14T09:41:27 Z")]
    [InlineData("   1-02-14T09:41:27Z")]
    [InlineData("1234-5678901")]
    [InlineData("12345678901")]
    public void Iso_text_reads_alike_with_or_without_spaces_around_it_in_any_unit(string text)
    {
        foreach (var unit in new TimestampUnit?[] { null, TimestampUnit.Seconds, TimestampUnit.Milliseconds, TimestampUnit.Nanoseconds })
        {
            var bare = Timestamps.TryParse(Encoding.UTF8.GetBytes(text.Trim(' ')), unit, out var bareValue, out var bareUnit);
            foreach (var spaced in new[] { text, " " + text, text + " ", "  " + text + "  " })
            {
                var result = Timestamps.TryParse(Encoding.UTF8.GetBytes(spaced), unit, out var value, out var readAs);
                Assert.Equal((bare, bareValue, bareUnit), (result, value, readAs));
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("10:00")]
    [InlineData("1.5")]
    [InlineData("3/4")]
    [InlineData("1 2 3")]
    [InlineData("May 2020")]
    [InlineData("01/02/2024")]
    [InlineData("1e12")]
    [InlineData("0x10")]
    [InlineData("-")]
    [InlineData("2020-13-01T00:00:00Z")]
    [InlineData("2020-02-30T00:00:00Z")]
    [InlineData("2020-02-14T24:00:00Z")]
    [InlineData("2020-02-14T23:59:60Z")]
    [InlineData("2020-02-14T09:41:27.Z")]
    [InlineData("2020-02-14T09:41:27+2")]
    [InlineData("2020-02-14T09:41:27+24:00")]
    [InlineData("2020-02-14T09:41:27 Z")]
    [InlineData("2020-2-14")]
    [InlineData("0000-01-01")]
    public void Anything_else_is_not_a_timestamp(string text) =>
        Assert.Equal(TimestampParse.NotATimestamp, Timestamps.TryParse(Encoding.UTF8.GetBytes(text), null, out _, out _));

    [Theory]
    [InlineData(99_999_999_999L, TimestampUnit.Seconds)]
    [InlineData(100_000_000_000L, TimestampUnit.Milliseconds)]
    [InlineData(99_999_999_999_999L, TimestampUnit.Milliseconds)]
    [InlineData(100_000_000_000_000L, TimestampUnit.Microseconds)]
    [InlineData(99_999_999_999_999_999L, TimestampUnit.Microseconds)]
    [InlineData(100_000_000_000_000_000L, TimestampUnit.Nanoseconds)]
    [InlineData(-99_999_999_999L, TimestampUnit.Seconds)]
    [InlineData(-100_000_000_000L, TimestampUnit.Milliseconds)]
    [InlineData(long.MinValue, TimestampUnit.Nanoseconds)]
    [InlineData(long.MaxValue, TimestampUnit.Nanoseconds)]
    public void Integers_are_read_by_magnitude_at_the_documented_bounds(long value, TimestampUnit expected) =>
        Assert.Equal(expected, TimestampUnitNames.ByMagnitude(value));

    [Fact]
    public void An_explicit_unit_overrides_the_magnitude_and_finer_units_round_toward_the_past()
    {
        Assert.Equal(TimestampParse.Valid, Timestamps.TryParse("1709294400123"u8, TimestampUnit.Seconds, out var asSeconds, out var readAs));
        Assert.Equal((1709294400123000L, TimestampUnit.Seconds), (asSeconds, readAs!.Value));
        Assert.Equal(TimestampParse.Valid, Timestamps.TryParse("-1500"u8, TimestampUnit.Microseconds, out var negative, out _));
        Assert.Equal(-2, negative);
        Assert.Equal(TimestampParse.TooLarge, Timestamps.TryParse("9223372036854775807"u8, TimestampUnit.Seconds, out _, out _));
        Assert.Equal(TimestampParse.TooLarge, Timestamps.TryParse("99999999999999999999"u8, null, out _, out _));
        Assert.Equal(TimestampParse.Valid, Timestamps.TryParse("-9223372036854775808"u8, null, out _, out _));
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00.000Z")]
    [InlineData(1709294400123L, "2024-03-01T12:00:00.123Z")]
    [InlineData(-62135596800000L, "0001-01-01T00:00:00.000Z")]
    [InlineData(-62135596800001L, "+000000-12-31T23:59:59.999Z")]
    [InlineData(253402300800000L, "+010000-01-01T00:00:00.000Z")]
    [InlineData(long.MaxValue, "+292278994-08-17T07:12:55.807Z")]
    [InlineData(long.MinValue, "-292275055-05-16T16:47:04.192Z")]
    public void Format_is_total_so_no_stored_value_can_break_an_export(long epochMilliseconds, string expected) =>
        Assert.Equal(expected, Timestamps.Format(epochMilliseconds));

    [Fact]
    public void Formatted_times_read_back_to_the_same_instant()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var value = random.NextInt64(-62135596800000L, 253402300799999L);
            Assert.True(Timestamps.TryParse(Encoding.UTF8.GetBytes(Timestamps.Format(value)), out var back));
            Assert.Equal(value, back);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(400)]
    [InlineData(1582)]
    [InlineData(1900)]
    [InlineData(1969)]
    [InlineData(1970)]
    [InlineData(2000)]
    [InlineData(2024)]
    [InlineData(2100)]
    [InlineData(9999)]
    public void Every_calendar_day_of_a_year_reads_as_the_framework_counts_it(int year)
    {
        // Day 0 and day 31 of every month too: only the days the calendar has are dates.
        for (var month = 1; month <= 12; month++)
        {
            for (var day = 0; day <= 31; day++)
            {
                var text = Encoding.UTF8.GetBytes($"{year:D4}-{month:D2}-{day:D2}");
                var isDate = day >= 1 && day <= DateTime.DaysInMonth(year, month);
                Assert.Equal(isDate, Timestamps.TryParse(text, out var epochMilliseconds));
                if (isDate)
                {
                    var expected = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
                    Assert.Equal(expected, epochMilliseconds);
                }
            }
        }
    }

    [Fact]
    public void Dates_across_all_ten_thousand_years_read_as_the_framework_counts_them()
    {
        var random = new Random(20261202);
        for (var i = 0; i < 200_000; i++)
        {
            var instant = new DateTimeOffset(DateTime.MinValue.Ticks + random.NextInt64(DateTime.MaxValue.Ticks - DateTime.MinValue.Ticks), TimeSpan.Zero);
            var text = Encoding.UTF8.GetBytes(instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(Timestamps.TryParse(text, out var epochMilliseconds));
            Assert.Equal(instant.ToUnixTimeMilliseconds(), epochMilliseconds);
        }
    }
}
