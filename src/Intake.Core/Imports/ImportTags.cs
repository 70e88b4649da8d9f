using Intake.Core.Jobs;

namespace Intake.Core.Imports;

/// <summary>
/// The one rule for tags, on imports and in filters: trimmed, empty ones dropped, repeats removed, at most
/// <see cref="MaxCount"/> of at most <see cref="MaxLength"/> characters each (#14: 10,000 tags used to reach
/// the store), and no control characters (PostgreSQL cannot store a NUL, and no label needs one).
/// </summary>
public static class ImportTags
{
    public const int MaxCount = 100;
    public const int MaxLength = 100;

    /// <summary>The tags to keep; throws <c>too_many_tags</c> or <c>tag_too_long</c> past the limits.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string?> tags)
    {
        var kept = new List<string>();
        foreach (var raw in tags)
        {
            var tag = raw?.Trim();
            if (string.IsNullOrEmpty(tag) || kept.Contains(tag, StringComparer.Ordinal))
            {
                continue;
            }

            if (tag.Any(char.IsControl))
            {
                throw new IntakeException(ErrorCodes.InvalidRequest,
                    $"Tag '{Printable(tag)}' holds the control character U+{(int)tag.First(char.IsControl):X4}; a tag is printable text.");
            }

            if (tag.Length > MaxLength)
            {
                throw new IntakeException(ErrorCodes.TagTooLong, $"Tag '{tag[..20]}…' has {tag.Length} characters; a tag has at most {MaxLength}.");
            }

            if (kept.Count == MaxCount)
            {
                throw new IntakeException(ErrorCodes.TooManyTags, $"More than {MaxCount} tags were given; use at most {MaxCount}.");
            }

            kept.Add(tag);
        }

        return kept;
    }

    private static string Printable(string tag) =>
        string.Concat(tag.Take(MaxLength).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
