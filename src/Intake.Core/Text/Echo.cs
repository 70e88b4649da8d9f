using System.Text;

namespace Intake.Core.Text;

/// <summary>
/// A value of the sender's quoted in a message, cut to its first characters. A rejection stays in memory until its
/// load stores it (up to <c>Limits:MaxStoredErrors</c> of them) and is kept with the import, so a message quoting whole
/// values would hold as much as the file: 100,000 rejected rows with a 10 KB value each, 2 GB of text.
/// </summary>
public static class Echo
{
    /// <summary>How much of a value a message quotes by default.</summary>
    public const int MaxChars = 100;

    /// <summary>The UTF-8 <paramref name="value"/> as text, cut to <paramref name="maxChars"/> characters and an ellipsis.</summary>
    public static string Of(ReadOnlySpan<byte> value, int maxChars = MaxChars) =>
        Cut(Encoding.UTF8.GetString(value.Length <= (maxChars + 1) * 4 ? value : value[..((maxChars + 1) * 4)]), maxChars);

    /// <summary><paramref name="text"/> cut to <paramref name="maxChars"/> characters and an ellipsis, never inside a surrogate pair.</summary>
    public static string Cut(string text, int maxChars = MaxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var end = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return string.Concat(text.AsSpan(0, end), "…");
    }
}
