using System.Globalization;
using Intake.Core.Jobs;

namespace Intake.Core.Storage;

/// <summary>One page of a list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Which page to read: at most <see cref="Limit"/> items after the opaque <see cref="Cursor"/>.</summary>
public sealed record PageRequest(int Limit = 100, string? Cursor = null)
{
    /// <summary>
    /// For lists paged by a sequence number, newest first: the number the next page's items are below
    /// (<see cref="long.MaxValue"/> for the first page). A cursor these lists never give out is refused rather than read
    /// as the first page, which would send a client that pages until <c>next_cursor</c> is null round in a loop.
    /// </summary>
    public long SequenceBefore() =>
        string.IsNullOrEmpty(Cursor) ? long.MaxValue
        : long.TryParse(Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence
        : throw new IntakeException(ErrorCodes.InvalidRequest,
            $"cursor '{Text.Echo.Cut(Cursor)}' is not one this list gives out: pass the next_cursor of the previous page, or leave cursor out for the first page.");
}
