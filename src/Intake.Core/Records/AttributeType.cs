namespace Intake.Core.Records;

/// <summary>The type of a dataset attribute, fixed by declaration or by the first value seen.</summary>
public enum AttributeType
{
    String,
    Integer,
    Double,
    Boolean,
    Timestamp,
    List,
    Object,
}

public static class AttributeTypeNames
{
    public static string ToWire(this AttributeType type) => type switch
    {
        AttributeType.String => "string",
        AttributeType.Integer => "integer",
        AttributeType.Double => "double",
        AttributeType.Boolean => "boolean",
        AttributeType.Timestamp => "timestamp",
        AttributeType.List => "list",
        AttributeType.Object => "object",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? value, out AttributeType type)
    {
        foreach (var candidate in Enum.GetValues<AttributeType>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>Whether a value of type <paramref name="value"/> may be stored in an attribute of type <paramref name="declared"/>.</summary>
    public static bool Accepts(this AttributeType declared, AttributeType value) =>
        declared == value || (declared == AttributeType.Double && value == AttributeType.Integer);
}
