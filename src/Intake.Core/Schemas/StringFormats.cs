namespace Intake.Core.Schemas;

/// <summary>
/// The <c>format</c> checks, on the UTF-8 bytes of a string. <c>date-time</c> is RFC 3339 (the ISO-8601
/// profile JSON Schema names): a date, <c>T</c>, a time with seconds and an optional fraction, and
/// <c>Z</c> or a <c>±hh:mm</c> offset; a leap second (<c>:60</c>) is refused because a record's timestamp
/// must convert to epoch milliseconds. <c>email</c> and <c>uri</c> are deliberately loose: they catch
/// values that are plainly something else, not every RFC corner.
/// </summary>
internal static class StringFormats
{
    public static bool TryParse(string name, out StringFormat format)
    {
        format = name switch
        {
            "date-time" => StringFormat.DateTime,
            "date" => StringFormat.Date,
            "email" => StringFormat.Email,
            "uri" => StringFormat.Uri,
            _ => StringFormat.None,
        };
        return format != StringFormat.None;
    }

    public static string Rule(StringFormat format) => format switch
    {
        StringFormat.DateTime => "must be a date-time (ISO-8601 with a time zone)",
        StringFormat.Date => "must be a date (YYYY-MM-DD)",
        StringFormat.Email => "must be an email address",
        _ => "must be an absolute URI",
    };

    public static bool Check(StringFormat format, ReadOnlySpan<byte> text) => format switch
    {
        StringFormat.DateTime => IsDateTime(text),
        StringFormat.Date => text.Length == 10 && IsDate(text),
        StringFormat.Email => IsEmail(text),
        StringFormat.Uri => IsUri(text),
        _ => true,
    };

    public static bool IsDateTime(ReadOnlySpan<byte> s)
    {
        if (s.Length < 20 || !IsDate(s[..10]) || (s[10] | 0x20) != 't' || s[13] != ':' || s[16] != ':' ||
            !Number(s, 11, 2, 0, 23) || !Number(s, 14, 2, 0, 59) || !Number(s, 17, 2, 0, 59))
        {
            return false;
        }

        var i = 19;
        if (s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        var zone = s[i..];
        return (zone.Length == 1 && (zone[0] | 0x20) == 'z') ||
               (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
                Number(zone, 1, 2, 0, 23) && Number(zone, 4, 2, 0, 59));
    }

    private static bool IsDate(ReadOnlySpan<byte> s)
    {
        if (s.Length != 10 || s[4] != '-' || s[7] != '-' || !Number(s, 0, 4, 1, 9999) || !Number(s, 5, 2, 1, 12))
        {
            return false;
        }

        var year = Value(s, 0, 4);
        var month = Value(s, 5, 2);
        return Number(s, 8, 2, 1, DateTime.DaysInMonth(year, month));
    }

    private static bool IsEmail(ReadOnlySpan<byte> s)
    {
        var at = s.LastIndexOf((byte)'@');
        if (at <= 0 || at == s.Length - 1 || HasSpaceOrControl(s))
        {
            return false;
        }

        var domain = s[(at + 1)..];
        return domain[0] != '.' && domain[^1] != '.';
    }

    private static bool IsUri(ReadOnlySpan<byte> s)
    {
        var colon = s.IndexOf((byte)':');
        if (colon <= 0 || colon == s.Length - 1 || !IsAsciiLetter(s[0]) || HasSpaceOrControl(s))
        {
            return false;
        }

        foreach (var c in s[1..colon])
        {
            if (!IsAsciiLetter(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasSpaceOrControl(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (c <= ' ' || c == 0x7F)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAsciiLetter(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool Number(ReadOnlySpan<byte> s, int start, int count, int min, int max)
    {
        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(s[i]))
            {
                return false;
            }
        }

        var value = Value(s, start, count);
        return value >= min && value <= max;
    }

    private static int Value(ReadOnlySpan<byte> s, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            value = (value * 10) + (s[i] - '0');
        }

        return value;
    }
}
