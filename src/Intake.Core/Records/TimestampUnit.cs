namespace Intake.Core.Records;

/// <summary>The unit of an integer epoch timestamp; an import without one reads each value by its magnitude.</summary>
public enum TimestampUnit
{
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

public static class TimestampUnitNames
{
    public static string ToWire(this TimestampUnit unit) => unit switch
    {
        TimestampUnit.Seconds => "seconds",
        TimestampUnit.Milliseconds => "milliseconds",
        TimestampUnit.Microseconds => "microseconds",
        TimestampUnit.Nanoseconds => "nanoseconds",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    /// <summary>Exactly the wire names, lower case; anything else is false.</summary>
    public static bool TryParse(string? value, out TimestampUnit unit)
    {
        foreach (var candidate in Enum.GetValues<TimestampUnit>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.Ordinal))
            {
                unit = candidate;
                return true;
            }
        }

        unit = default;
        return false;
    }

    /// <summary>
    /// The unit an integer epoch value is read in when the import names none: below 10^11 seconds,
    /// below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds (by absolute value). Each
    /// unit's share of the years 1973–5138 falls in its own band, so within the event-time window no
    /// value could be read in two units.
    /// </summary>
    public static TimestampUnit ByMagnitude(long value)
    {
        var magnitude = value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value;
        return magnitude switch
        {
            < 100_000_000_000UL => TimestampUnit.Seconds,
            < 100_000_000_000_000UL => TimestampUnit.Milliseconds,
            < 100_000_000_000_000_000UL => TimestampUnit.Microseconds,
            _ => TimestampUnit.Nanoseconds,
        };
    }

    /// <summary>
    /// <paramref name="value"/> in <paramref name="unit"/> as epoch milliseconds, rounding finer units down
    /// (toward the past); false when it does not fit in a 64-bit count of milliseconds.
    /// </summary>
    public static bool TryToMilliseconds(long value, TimestampUnit unit, out long epochMilliseconds)
    {
        switch (unit)
        {
            case TimestampUnit.Seconds:
                epochMilliseconds = 0;
                if (value is > long.MaxValue / 1000 or < long.MinValue / 1000)
                {
                    return false;
                }

                epochMilliseconds = value * 1000;
                return true;
            case TimestampUnit.Milliseconds:
                epochMilliseconds = value;
                return true;
            case TimestampUnit.Microseconds:
                epochMilliseconds = FloorDivide(value, 1000);
                return true;
            default:
                epochMilliseconds = FloorDivide(value, 1_000_000);
                return true;
        }
    }

    private static long FloorDivide(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}
