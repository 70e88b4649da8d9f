using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Intake.Core.Records;

/// <summary>Reads record timestamps: epoch milliseconds or ISO-8601, to epoch milliseconds (UTC).</summary>
public static class Timestamps
{
    public static bool TryParse(ReadOnlySpan<byte> text, out long epochMilliseconds)
    {
        text = text.Trim((byte)' ');
        if (text.IsEmpty)
        {
            epochMilliseconds = 0;
            return false;
        }

        if (Utf8Parser.TryParse(text, out epochMilliseconds, out var consumed) && consumed == text.Length)
        {
            return true;
        }

        return TryParseIsoFast(text, out epochMilliseconds) || TryParseIsoSlow(text, out epochMilliseconds);
    }

    public static string Format(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // The common shape "yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)" without a culture-aware parse:
    // the general parser costs about 300 ns a value, which shows at millions of rows.
    private static bool TryParseIsoFast(ReadOnlySpan<byte> s, out long result)
    {
        result = 0;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        var millis = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
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

        var offsetMinutes = 0;
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i == s.Length - 1)
            {
                i++;
            }
            else if ((s[i] == '+' || s[i] == '-') && s.Length - i == 6 && s[i + 3] == ':' &&
                     Digits(s, i + 1, 2, out var offsetHours) && Digits(s, i + 4, 2, out var offsetMins))
            {
                offsetMinutes = ((offsetHours * 60) + offsetMins) * (s[i] == '-' ? -1 : 1);
                i = s.Length;
            }
            else
            {
                return false;
            }
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) ||
            hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
        result = ((ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond) + millis - (offsetMinutes * 60_000L);
        return true;
    }

    private static bool TryParseIsoSlow(ReadOnlySpan<byte> text, out long result)
    {
        Span<char> chars = stackalloc char[Math.Min(text.Length, 64)];
        if (text.Length > 64)
        {
            result = 0;
            return false;
        }

        var count = Encoding.UTF8.GetChars(text, chars);
        if (DateTimeOffset.TryParse(chars[..count], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            result = value.ToUnixTimeMilliseconds();
            return true;
        }

        result = 0;
        return false;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
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
