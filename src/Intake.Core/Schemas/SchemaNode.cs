using System.Text.RegularExpressions;

namespace Intake.Core.Schemas;

/// <summary>The string formats a schema may require; anything else is refused when compiling.</summary>
internal enum StringFormat
{
    None,
    DateTime,
    Date,
    Email,
    Uri,
}

internal enum BoundKind
{
    Minimum,
    ExclusiveMinimum,
    Maximum,
    ExclusiveMaximum,
}

/// <summary>A numeric bound with its message, e.g. "must be greater than or equal to 0".</summary>
internal readonly record struct NumberBound(BoundKind Kind, double Limit, string Rule)
{
    public bool Holds(double value) => Kind switch
    {
        BoundKind.Minimum => value >= Limit,
        BoundKind.ExclusiveMinimum => value > Limit,
        BoundKind.Maximum => value <= Limit,
        _ => value < Limit,
    };
}

/// <summary>
/// One compiled schema (or sub-schema). The compiler fills it in once; afterwards it is immutable and
/// shared by every thread, and validation never looks at the schema JSON again. A <c>$ref</c> is a link
/// to the referenced definition's node, so definitions are compiled once however often they are used.
/// </summary>
internal sealed partial class SchemaNode(string pointer)
{
    /// <summary>Where the node sits in its schema document (<c>#/definitions/Store/properties/name</c>), for compile errors.</summary>
    public string Pointer { get; } = pointer;

    public string? Title { get; set; }

    /// <summary>The <c>false</c> schema: nothing is valid.</summary>
    public bool AlwaysFails { get; set; }

    public JsonTypes Types { get; set; } = JsonTypes.Any;

    public string TypeRule { get; private set; } = "";

    public SchemaNode? Ref { get; set; }

    public SchemaNode[] AllOf { get; set; } = [];

    public SchemaAlternatives? AnyOf { get; set; }

    public SchemaAlternatives? OneOf { get; set; }

    public EnumValue[]? Enum { get; set; }

    public string EnumRule { get; set; } = "";

    public SchemaProperty[] Properties { get; set; } = [];

    /// <summary>Required names that have no entry in <c>properties</c>; checked after the properties.</summary>
    public string[] ExtraRequired { get; set; } = [];

    public bool AdditionalForbidden { get; set; }

    public SchemaNode? AdditionalSchema { get; set; }

    public SchemaNode? Items { get; set; }

    public int MinItems { get; set; } = -1;

    public int MaxItems { get; set; } = -1;

    public int MinLength { get; set; } = -1;

    public int MaxLength { get; set; } = -1;

    public StringFormat Format { get; set; }

    public Regex? Pattern { get; set; }

    public NumberBound[] Bounds { get; set; } = [];

    private bool HasStringRules => MinLength >= 0 || MaxLength >= 0 || Format != StringFormat.None || Pattern is not null;

    private bool HasObjectRules => Properties.Length > 0 || ExtraRequired.Length > 0 || AdditionalForbidden || AdditionalSchema is not null;

    private bool HasArrayRules => Items is not null || MinItems >= 0 || MaxItems >= 0;

    public SchemaProperty? FindProperty(string name) => Array.Find(Properties, p => p.Name == name);
}
