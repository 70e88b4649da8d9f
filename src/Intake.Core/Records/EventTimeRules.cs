using System.Text;
using Intake.Core.Jobs;

namespace Intake.Core.Records;

/// <summary>
/// How one import reads event times (an interaction key's timestamp, a CDP record's <c>action_at</c>): the
/// forms of <see cref="Timestamps"/>, integers in the import's <see cref="Unit"/> or by magnitude, and only
/// instants from <see cref="Floor"/> to <see cref="Ceiling"/> (DESIGN 2.10). A value outside that window
/// is almost always a unit, clock or placeholder mistake, so it is rejected, not stored. Immutable.
/// </summary>
public sealed class EventTimeRules
{
    /// <summary>The default earliest event time, 1990-01-01T00:00:00Z (<c>Limits:EventTimeFloor</c>).</summary>
    public static readonly DateTimeOffset DefaultFloor = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far past the load's start an event time may lie by default (<c>Limits:EventTimeMaxAhead</c>).</summary>
    public static readonly TimeSpan DefaultMaxAhead = TimeSpan.FromDays(1);

    private const int MaxEchoedChars = 40;

    private readonly long _floor;
    private readonly long _ceiling;

    public EventTimeRules(TimestampUnit? unit, DateTimeOffset floor, DateTimeOffset ceiling)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floor, ceiling);
        Unit = unit;
        Floor = floor;
        Ceiling = ceiling;
        _floor = floor.ToUnixTimeMilliseconds();
        _ceiling = ceiling.ToUnixTimeMilliseconds();
    }

    /// <summary>The unit of integer values, or null to read each by its magnitude.</summary>
    public TimestampUnit? Unit { get; }

    public DateTimeOffset Floor { get; }

    public DateTimeOffset Ceiling { get; }

    /// <summary>The default window as of <paramref name="now"/>.</summary>
    public static EventTimeRules Default(DateTimeOffset now, TimestampUnit? unit = null) => new(unit, DefaultFloor, now + DefaultMaxAhead);

    /// <summary>
    /// Reads the event time in <paramref name="text"/>. On failure <paramref name="code"/> is
    /// <see cref="RecordErrorCodes.InvalidValue"/> (not a timestamp) or <see cref="RecordErrorCodes.TimestampOutOfRange"/>
    /// and <paramref name="message"/> names <paramref name="field"/>, the window and the likely cause.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> text, string field, out long epochMilliseconds, out string code, out string message)
    {
        code = "";
        message = "";
        var parse = Timestamps.TryParse(text, Unit, out epochMilliseconds, out var readAs);
        if (parse == TimestampParse.Valid && epochMilliseconds >= _floor && epochMilliseconds <= _ceiling)
        {
            return true;
        }

        var shown = Text.Echo.Of(text, MaxEchoedChars);
        switch (parse)
        {
            case TimestampParse.NotATimestamp:
                code = RecordErrorCodes.InvalidValue;
                message = $"Field [{field}] with value [{shown}] is not a timestamp: use ISO-8601 (2024-03-01T12:00:00Z) " +
                          "or an integer epoch time in seconds, milliseconds, microseconds or nanoseconds.";
                return false;
            case TimestampParse.TooLarge:
                code = RecordErrorCodes.TimestampOutOfRange;
                message = $"Field [{field}] with value [{shown}] is too large to be an epoch time" +
                          (readAs is { } unit ? $" in {unit.ToWire()}." : ".") + WindowText() + Hint(text, readAs, before: false);
                return false;
            default:
                code = RecordErrorCodes.TimestampOutOfRange;
                var how = readAs is { } used ? $" (read as epoch {used.ToWire()}{(Unit is null ? ", by its magnitude" : "")})" : "";
                message = $"Field [{field}] with value [{shown}] is {Timestamps.Format(epochMilliseconds)}{how}, outside the window for event times." +
                          WindowText() + Hint(text, readAs, before: epochMilliseconds < _floor);
                return false;
        }
    }

    private string WindowText() =>
        $" Event times must lie from {Timestamps.Format(_floor)} to {Timestamps.Format(_ceiling)} " +
        "(Limits:EventTimeFloor and Limits:EventTimeMaxAhead set the window).";

    /// <summary>The likely cause: another unit that would put the value in the window, else what such values usually are.</summary>
    private string Hint(ReadOnlySpan<byte> text, TimestampUnit? readAs, bool before)
    {
        if (readAs is not null)
        {
            foreach (var other in Enum.GetValues<TimestampUnit>())
            {
                if (other != readAs && Timestamps.TryParse(text, other, out var candidate, out _) == TimestampParse.Valid &&
                    candidate >= _floor && candidate <= _ceiling)
                {
                    return $" Read as {other.ToWire()} it would be {Timestamps.Format(candidate)}: if the file holds epoch {other.ToWire()}, " +
                           $"import it with timestampUnit={other.ToWire()}.";
                }
            }
        }

        return before
            ? " Such early times are usually placeholders (0, 1970-01-01, 1900-01-01) or epoch values in a unit the file does not say."
            : " A time this far ahead usually comes from a wrong clock or an epoch value in another unit than it was read in.";
    }
}
