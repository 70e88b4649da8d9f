using System.Text.Json;
using System.Text.RegularExpressions;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// Compiles <c>pattern</c> keywords once. Patterns run with the non-backtracking engine, so a definition
/// supplied through the API cannot make validation take exponential time; the price is that lookarounds
/// and backreferences are refused. As in JSON Schema, a pattern matches anywhere unless anchored.
/// JSON Schema patterns are ECMA-262 regular expressions, whose <c>$</c> (without the multiline flag) matches only
/// at the end of the text; .NET's also matches before a final newline, so <c>$</c> is compiled as <c>\z</c> (#14).
/// ECMA-262's <c>\d</c> and <c>\w</c> are ASCII (<c>[0-9]</c>, <c>[A-Za-z0-9_]</c>) where .NET's take every Unicode digit
/// and letter, so they are compiled as those classes: a pattern for digits must not pass <c>١٢٣</c>.
/// </summary>
internal static class Patterns
{
    public static Regex Compile(JsonElement value, string pointer)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, $"Schema keyword [pattern] at [{pointer}] must be a string.");
        }

        var pattern = value.GetString()!;
        try
        {
            return new Regex(ToDotNet(pattern), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema,
                $"Schema keyword [pattern] at [{pointer}] uses a construct Intake does not support (a lookaround, backreference, atomic group, or \\D or \\W inside a character class).");
        }
        catch (ArgumentException e)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, $"Schema keyword [pattern] at [{pointer}] is not a valid regular expression: {e.Message}");
        }
    }

    /// <summary>
    /// Rewrites every <c>$</c> that is an anchor (not escaped, not inside a character class) as <c>\z</c>, and
    /// <c>\d</c>, <c>\D</c>, <c>\w</c>, <c>\W</c> as their ECMA-262 ASCII classes. A negated one inside a class
    /// (<c>[\D]</c>) has no ASCII spelling there and is refused.
    /// </summary>
    internal static string ToDotNet(string pattern)
    {
        var result = new System.Text.StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var escaped = pattern[++i];
                result.Append((escaped, inClass) switch
                {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[A-Za-z0-9_]",
                    ('w', true) => "A-Za-z0-9_",
                    ('W', false) => "[^A-Za-z0-9_]",
                    ('D' or 'W', true) => throw new NotSupportedException(),
                    _ => $"\\{escaped}",
                });
                continue;
            }

            if (inClass)
            {
                inClass = c != ']' || IsClassStart(pattern, i);
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '$')
            {
                result.Append(@"\z");
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>True when the <c>]</c> at <paramref name="index"/> is the first member of its class (<c>[]…]</c>, <c>[^]…]</c>), not its end.</summary>
    private static bool IsClassStart(string pattern, int index) =>
        pattern[index - 1] == '[' || (pattern[index - 1] == '^' && index >= 2 && pattern[index - 2] == '[');
}
