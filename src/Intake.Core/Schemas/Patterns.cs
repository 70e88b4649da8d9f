using System.Text.Json;
using System.Text.RegularExpressions;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// Compiles <c>pattern</c> keywords once. Patterns run with the non-backtracking engine, so a definition
/// supplied through the API cannot make validation take exponential time; the price is that lookarounds
/// and backreferences are refused. As in JSON Schema, a pattern matches anywhere unless anchored.
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
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema,
                $"Schema keyword [pattern] at [{pointer}] uses a construct Intake does not support (a lookaround, backreference or atomic group).");
        }
        catch (ArgumentException e)
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, $"Schema keyword [pattern] at [{pointer}] is not a valid regular expression: {e.Message}");
        }
    }
}
