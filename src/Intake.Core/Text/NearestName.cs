namespace Intake.Core.Text;

/// <summary>
/// Finds the valid name a mistyped one most likely meant, for messages that say what to do: the same name in
/// another spelling (<c>record_type</c>, <c>RecordType</c> → <c>recordType</c>), else the closest by edit
/// distance when it is close enough to be a typo.
/// </summary>
public static class NearestName
{
    /// <summary>The candidate <paramref name="name"/> most likely meant, or null when none is close.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        var wanted = Normalize(name);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Normalize(candidate));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A third of the name's length (at least 2) separates a typo from a different word.
        return best is not null && bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    /// <summary>Case, <c>_</c>, <c>-</c>, <c>.</c> and spaces do not tell names apart.</summary>
    private static string Normalize(string name) =>
        string.Concat(name.Where(c => c is not ('_' or '-' or '.' or ' ')).Select(char.ToLowerInvariant));

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
