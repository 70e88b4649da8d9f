using System.Globalization;

namespace Intake.Core.Records;

/// <summary>What <see cref="Timestamps.TryParse(ReadOnlySpan{byte}, TimestampUnit?, out long, out TimestampUnit?)"/> found.</summary>
public enum TimestampParse
{
    Valid,

    /// <summary>Neither an ISO-8601 time nor an integer.</summary>
    NotATimestamp,

    /// <summary>An integer too large for a 64-bit count of milliseconds in its unit.</summary>
    TooLarge,
}

/// <summary>
/// Reads record timestamps to epoch milliseconds (UTC), accepting exactly two forms and nothing that would
/// have to be guessed (DESIGN 2.10):
/// <list type="bullet">
/// <item>ISO-8601 / RFC 3339: <c>YYYY-MM-DD</c>, optionally followed by <c>T</c> (or <c>t</c> or a space),
/// <c>hh:mm</c>, optional <c>:ss</c> and an optional <c>.fraction</c> (any number of digits, cut to
/// milliseconds), then <c>Z</c>, <c>±hh:mm</c>, <c>±hhmm</c>, <c>±hh</c> or no zone, which means UTC. A date
/// alone is midnight UTC. Leap seconds and hour 24 are refused.</item>
/// <item>An integer epoch value: an optional sign and digits, in the given unit or else by magnitude
/// (<see cref="TimestampUnitNames.ByMagnitude"/>).</item>
/// </list>
/// Spaces around the value are ignored. Everything else (<c>10:00</c>, <c>1.5</c>, <c>3/4</c>,
/// <c>May 2020</c>, <c>01/02/2024</c>, <c>1e12</c>) is not a timestamp.
/// </summary>
public static class Timestamps
{
    /// <summary>The range <see cref="DateTimeOffset"/> formats without help: years 0001 to 9999.</summary>
    private static readonly long s_minFormattable = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long s_maxFormattable = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Reads <paramref name="text"/> with integers read by magnitude.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long epochMilliseconds) =>
        TryParse(text, null, out epochMilliseconds, out _) == TimestampParse.Valid;

    /// <param name="text">The value's UTF-8 text (a JSON number's or string's, or a CSV cell).</param>
    /// <param name="unit">The unit of integers, or null to read each by its magnitude.</param>
    /// <param name="epochMilliseconds">The instant, when valid.</param>
    /// <param name="readAs">For an integer, the unit it was read in; null for ISO text.</param>
    public static TimestampParse TryParse(ReadOnlySpan<byte> text, TimestampUnit? unit, out long epochMilliseconds, out TimestampUnit? readAs)
    {
        readAs = null;
        // ISO text as files write it, without spaces around it (a year of four digits, then '-'), is no integer and
        // needs no trim: read at once, as the steps below would read it.
        if (text.Length > 10 && text[4] == '-' && TryParseIso(text, out epochMilliseconds))
        {
            return TimestampParse.Valid;
        }

        text = text.Trim((byte)' ');
        if (TryParseInteger(text, out var integer, out var overflow))
        {
            var chosen = unit ?? TimestampUnitNames.ByMagnitude(integer);
            readAs = chosen;
            return TimestampUnitNames.TryToMilliseconds(integer, chosen, out epochMilliseconds) ? TimestampParse.Valid : TimestampParse.TooLarge;
        }

        epochMilliseconds = 0;
        if (overflow)
        {
            return TimestampParse.TooLarge;
        }

        return TryParseIso(text, out epochMilliseconds) ? TimestampParse.Valid : TimestampParse.NotATimestamp;
    }

    /// <summary>
    /// Reads ISO-8601 text only (no epoch integers) to an instant in years 0001 to 9999, which every export
    /// can write as a time.
    /// </summary>
    public static bool TryParseIsoInstant(ReadOnlySpan<byte> text, out long epochMilliseconds) =>
        TryParseIso(text.Trim((byte)' '), out epochMilliseconds) &&
        epochMilliseconds >= s_minFormattable && epochMilliseconds <= s_maxFormattable;

    /// <summary>
    /// ISO-8601 in UTC with milliseconds (<c>2024-03-01T12:00:00.000Z</c>). Total: an instant outside years
    /// 0001–9999, which no import accepts but an older store may hold, is written with an expanded,
    /// signed year (<c>+292278994-08-17T07:12:55.807Z</c>) instead of failing.
    /// </summary>
    public static string Format(long epochMilliseconds)
    {
        if (epochMilliseconds >= s_minFormattable && epochMilliseconds <= s_maxFormattable)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        var days = Math.DivRem(epochMilliseconds, 86_400_000L, out var rest);
        if (rest < 0)
        {
            days--;
            rest += 86_400_000L;
        }

        var (year, month, day) = CivilFromDays(days);
        var time = TimeSpan.FromMilliseconds(rest);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(year < 0 ? '-' : '+')}{Math.Abs(year):D6}-{month:D2}-{day:D2}T{time.Hours:D2}:{time.Minutes:D2}:{time.Seconds:D2}.{time.Milliseconds:D3}Z");
    }

    // Howard Hinnant's days_from_civil inverse: exact for the proleptic Gregorian calendar over the whole
    // range of a long count of days since 1970-01-01.
    private static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        var z = days + 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var dayOfEra = z - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var shiftedMonth = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * shiftedMonth) + 2) / 5) + 1);
        var month = (int)(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        return (yearOfEra + (era * 400) + (month <= 2 ? 1 : 0), month, day);
    }

    private static bool TryParseInteger(ReadOnlySpan<byte> s, out long value, out bool overflow)
    {
        value = 0;
        overflow = false;
        var negative = false;
        var i = 0;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            i = 1;
        }

        if (i == s.Length)
        {
            return false;
        }

        // Accumulated as a negative number, whose range includes long.MinValue.
        long accumulated = 0;
        for (; i < s.Length; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                overflow = false;
                return false;
            }

            if (accumulated < (long.MinValue + digit) / 10)
            {
                overflow = true;
            }
            else
            {
                accumulated = (accumulated * 10) - digit;
            }
        }

        if (overflow || (!negative && accumulated == long.MinValue))
        {
            overflow = true;
            return false;
        }

        value = negative ? accumulated : -accumulated;
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<byte> s, out long result)
    {
        result = 0;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-' ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var dateMilliseconds = DaysSinceEpoch(year, month, day) * 86_400_000L;
        if (s.Length == 10)
        {
            result = dateMilliseconds;
            return true;
        }

        if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s.Length < 16 || s[13] != ':' ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || hour > 23 || minute > 59)
        {
            return false;
        }

        var i = 16;
        var second = 0;
        var millis = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (s.Length < 19 || !Digits(s, 17, 2, out second) || second > 59)
            {
                return false;
            }

            i = 19;
            if (i < s.Length && s[i] == '.')
            {
                var start = ++i;
                while (i < s.Length && (uint)(s[i] - '0') <= 9)
                {
                    if (i - start < 3)
                    {
                        millis = (millis * 10) + (s[i] - '0');
                    }

                    i++;
                }

                if (i == start)
                {
                    return false;
                }

                for (var pad = i - start; pad < 3; pad++)
                {
                    millis *= 10;
                }
            }
        }

        if (!TryParseZone(s[i..], out var offsetMinutes))
        {
            return false;
        }

        result = dateMilliseconds + (((hour * 3600L) + (minute * 60L) + second) * 1000L) + millis - (offsetMinutes * 60_000L);
        return true;
    }

    /// <summary>
    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, by arithmetic (H. Hinnant's days_from_civil):
    /// building a <see cref="DateTime"/> for it cost a twentieth of reading an interaction (the month's length
    /// stays <see cref="DateTime.DaysInMonth"/>, a table lookup).
    /// </summary>
    private static long DaysSinceEpoch(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097L) + dayOfEra - 719_468;
    }

    /// <summary>Nothing (UTC), <c>Z</c>, <c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c>.</summary>
    private static bool TryParseZone(ReadOnlySpan<byte> zone, out int offsetMinutes)
    {
        offsetMinutes = 0;
        if (zone.IsEmpty)
        {
            return true;
        }

        if (zone.Length == 1)
        {
            return zone[0] is (byte)'Z' or (byte)'z';
        }

        if (zone[0] is not ((byte)'+' or (byte)'-') || !Digits(zone, 1, 2, out var hours) || hours > 23)
        {
            return false;
        }

        var minutes = 0;
        var valid = zone.Length switch
        {
            3 => true,
            5 => Digits(zone, 3, 2, out minutes),
            6 => zone[3] == ':' && Digits(zone, 4, 2, out minutes),
            _ => false,
        };
        if (!valid || minutes > 59)
        {
            return false;
        }

        offsetMinutes = ((hours * 60) + minutes) * (zone[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }
}
