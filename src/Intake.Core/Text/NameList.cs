using System.Globalization;
using System.Text;

namespace Intake.Core.Text;

/// <summary>
/// Names (columns, properties) as a message lists them: the first <see cref="MaxNames"/>, each cut to
/// <see cref="MaxNameChars"/> characters, then how many more. A file's header is the sender's to choose, and a
/// message with every name of a 200,000-column header was 1.7 MB, stored with the import and sent with every read of it.
/// </summary>
public static class NameList
{
    public const int MaxNames = 20;
    public const int MaxNameChars = 100;

    /// <summary><c>a, b, c</c>; or <c>c0, c1, …, c19 and 199,980 more</c>.</summary>
    public static string Of(IEnumerable<string> names)
    {
        var text = new StringBuilder();
        var count = 0;
        foreach (var name in names)
        {
            if (count < MaxNames)
            {
                if (count > 0)
                {
                    text.Append(", ");
                }

                text.Append(Echo.Cut(name, MaxNameChars));
            }

            count++;
        }

        if (count > MaxNames)
        {
            text.Append(CultureInfo.InvariantCulture, $" and {count - MaxNames:N0} more");
        }

        return text.ToString();
    }
}
