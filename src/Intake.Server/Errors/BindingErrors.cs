using System.Text.RegularExpressions;

namespace Intake.Server.Errors;

/// <summary>
/// What a request whose query parameter or body the framework could not bind is told, in place of the framework's
/// developer-facing message (which names .NET types, or asks whether a service was meant): the parameter and the
/// value it takes, or that the endpoint takes a JSON body and none was sent. JSON that does not bind is <see cref="BodyErrors"/>'.
/// </summary>
internal static partial class BindingErrors
{
    private const int MaxQuotedValue = 100;

    [GeneratedRegex("""\AFailed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.\z""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""\ARequired parameter "(?<type>.+) (?<name>[^ "]+)" was not provided from query string\.\z""")]
    private static partial Regex MissingQuery();

    [GeneratedRegex("""\A(Implicit body inferred for parameter ".+" but no body was provided|Required parameter ".+" was not provided from body)""")]
    private static partial Regex MissingBody();

    /// <summary>The message for <paramref name="frameworkMessage"/> on the endpoint described by <paramref name="where"/>; null to keep it.</summary>
    public static string? Describe(string frameworkMessage, string where)
    {
        if (FailedToBind().Match(frameworkMessage) is { Success: true } failed)
        {
            var value = failed.Groups["value"].Value;
            var quoted = value.Length > MaxQuotedValue ? value[..MaxQuotedValue] + "…" : value;
            return $"Query parameter {failed.Groups["name"].Value} '{quoted}' must be {Kind(failed.Groups["type"].Value)}.";
        }

        if (MissingQuery().Match(frameworkMessage) is { Success: true } missing)
        {
            return $"Query parameter {missing.Groups["name"].Value} is required by {where}.";
        }

        return MissingBody().IsMatch(frameworkMessage) ? $"{where} takes a JSON object as its body; none was sent." : null;
    }

    /// <summary>The value a parameter of the framework's type name (<c>Nullable&lt;int&gt;</c>) takes, for a message.</summary>
    private static string Kind(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "Int32" => "a whole number up to 2147483647",
        "long" or "Int64" => "a whole number",
        "double" or "Double" or "decimal" or "Decimal" or "float" or "Single" => "a number",
        "bool" or "Boolean" => "true or false",
        "DateTimeOffset" or "DateTime" => "an ISO-8601 time (2024-03-01T12:00:00Z)",
        _ => "a value of the form the endpoint takes (docs/api.md)",
    };
}
