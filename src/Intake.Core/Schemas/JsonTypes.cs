namespace Intake.Core.Schemas;

/// <summary>
/// The JSON value types a schema allows at a place, as flags. <see cref="Integer"/> is a number with no
/// fractional part, so a place that allows <see cref="Number"/> also allows every integer.
/// </summary>
[Flags]
public enum JsonTypes
{
    None = 0,
    String = 1,
    Number = 2,
    Integer = 4,
    Boolean = 8,
    Null = 16,
    Object = 32,
    Array = 64,
    Any = String | Number | Integer | Boolean | Null | Object | Array,
}

internal static class JsonTypesText
{
    private static readonly (JsonTypes Type, string Name, string Article)[] s_names =
    [
        (JsonTypes.String, "string", "a string"),
        (JsonTypes.Number, "number", "a number"),
        (JsonTypes.Integer, "integer", "an integer"),
        (JsonTypes.Boolean, "boolean", "a boolean"),
        (JsonTypes.Null, "null", "null"),
        (JsonTypes.Object, "object", "an object"),
        (JsonTypes.Array, "array", "an array"),
    ];

    public static bool TryParse(string name, out JsonTypes type)
    {
        foreach (var (candidate, text, _) in s_names)
        {
            if (text == name)
            {
                type = candidate;
                return true;
            }
        }

        type = JsonTypes.None;
        return false;
    }

    /// <summary>"a string", "a number or null": the words after "must be" in a type error.</summary>
    public static string Describe(JsonTypes types)
    {
        // An integer is a number, so naming both would read oddly.
        if ((types & JsonTypes.Number) != 0)
        {
            types &= ~JsonTypes.Integer;
        }

        var words = s_names.Where(n => (types & n.Type) != 0).Select(n => n.Article).ToList();
        return words.Count switch
        {
            0 => "nothing",
            1 => words[0],
            _ => string.Join(", ", words[..^1]) + " or " + words[^1],
        };
    }
}
