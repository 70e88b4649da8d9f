using System.Text.Json;

namespace Intake.Core.Schemas;

/// <summary>
/// What one form of an anyOf/oneOf looks like from outside, flattened through <c>$ref</c> and
/// <c>allOf</c>: its JSON types, its required properties and, when it forbids other properties, the
/// ones it allows. Used to name forms in messages, to find the form a value was meant to be, and to
/// render identity objects such as <c>link</c>.
/// </summary>
internal sealed class FormInfo
{
    private readonly byte[][] _requiredUtf8;

    private FormInfo(string name, JsonTypes types, string[] required, HashSet<string>? allowed)
    {
        Name = name;
        Types = types;
        Required = required;
        Allowed = allowed;
        _requiredUtf8 = required.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        NamesItsKind = required.Length == 2 && required[0].EndsWith("_type", StringComparison.Ordinal) &&
                       required[1] == string.Concat(required[0].AsSpan(0, required[0].Length - 5), "_value");
    }

    /// <summary>The required properties joined with "+" (<c>external_id+system_name</c>), else the title or types.</summary>
    public string Name { get; }

    public JsonTypes Types { get; }

    /// <summary>Required property names in schema order.</summary>
    public string[] Required { get; }

    /// <summary>The only property names the form allows, or null when it allows others too.</summary>
    public HashSet<string>? Allowed { get; }

    /// <summary>Whether the required properties are an <c>X_type</c>/<c>X_value</c> pair, so the data names its own kind.</summary>
    public bool NamesItsKind { get; }

    public ReadOnlySpan<byte> RequiredUtf8(int index) => _requiredUtf8[index];

    public static FormInfo Of(SchemaNode option, int index)
    {
        var views = SchemaAnalysis.Views(option, throughAlternatives: false);
        var required = new List<string>();
        HashSet<string>? allowed = null;
        string? title = null;
        foreach (var view in views)
        {
            title ??= view.Title;
            required.AddRange(view.Properties.Where(p => p.Required).Select(p => p.Name));
            required.AddRange(view.ExtraRequired);
            if (view.AdditionalForbidden && allowed is null)
            {
                allowed = view.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            }
        }

        var types = SchemaAnalysis.EffectiveTypes(option);
        var names = required.Distinct(StringComparer.Ordinal).ToArray();
        var name = names.Length > 0 ? string.Join("+", names) : title ?? (types == JsonTypes.Any ? $"form {index + 1}" : JsonTypesText.Describe(types));
        return new FormInfo(name, types, names, allowed);
    }

    /// <summary>Whether <paramref name="value"/> looks like this form: the right type and every required property present.</summary>
    public bool Claims(JsonElement value)
    {
        if (!SchemaNode.TypeFits(Types, value))
        {
            return false;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in _requiredUtf8)
            {
                if (!value.TryGetProperty(name, out _))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when no value of this form can also fit <paramref name="other"/>.</summary>
    public bool ExcludedBy(FormInfo other) =>
        (Types & other.Types) == JsonTypes.None ||
        (other.Allowed is not null && (Types & ~JsonTypes.Object) == JsonTypes.None && Required.Any(r => !other.Allowed.Contains(r)));
}
