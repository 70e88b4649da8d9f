using System.Runtime.CompilerServices;

namespace Intake.Client;

/// <summary>One page of a list: its values and the token that continues after it (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Values, string? ContinuationToken);

/// <summary>
/// A list the server pages by cursor. Enumerating it fetches one page at a time, as the enumeration goes
/// (never the whole list up front); <see cref="AsPages"/> exposes the pages and their cursors.
/// </summary>
public class IntakePageable<T> : IAsyncEnumerable<T>
{
    private readonly Func<string?, int?, CancellationToken, Task<Page<T>>>? _fetch;

    /// <summary>For mocking.</summary>
    protected IntakePageable()
    {
    }

    internal IntakePageable(Func<string?, int?, CancellationToken, Task<Page<T>>> fetch) => _fetch = fetch;

    /// <summary>The pages, starting after <paramref name="continuationToken"/>, with about <paramref name="pageSizeHint"/> values each.</summary>
    public virtual async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursor = continuationToken;
        do
        {
            var page = await _fetch!(cursor, pageSizeHint, cancellationToken).ConfigureAwait(false);
            yield return page;
            cursor = page.ContinuationToken;
        }
        while (cursor is not null);
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var value in page.Values)
            {
                yield return value;
            }
        }
    }
}

/// <summary>The wire shape of a page.</summary>
internal sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public Page<T> ToPage() => new(Items, NextCursor);
}
