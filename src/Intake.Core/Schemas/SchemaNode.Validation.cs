using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

internal sealed partial class SchemaNode
{
    public string MinLengthRule { get; private set; } = "";

    public string MaxLengthRule { get; private set; } = "";

    public string MinItemsRule { get; private set; } = "";

    public string MaxItemsRule { get; private set; } = "";

    /// <summary>Builds the messages of the node's rules once, so that failing a rule costs no formatting.</summary>
    public void PrepareMessages()
    {
        TypeRule = "must be " + JsonTypesText.Describe(Types);
        MinLengthRule = $"must be at least {Plural(MinLength, "character")} long";
        MaxLengthRule = $"must be at most {Plural(MaxLength, "character")} long";
        MinItemsRule = $"must have at least {Plural(MinItems, "item")}";
        MaxItemsRule = $"must have at most {Plural(MaxItems, "item")}";
    }

    /// <summary>
    /// Checks <paramref name="value"/> against this node, in a fixed order: type, enum, the type's own
    /// rules, then properties in schema order. With <paramref name="explain"/> the first broken rule is
    /// returned in <paramref name="failure"/>; without, validation only answers yes or no and allocates
    /// nothing (used to try the forms of an anyOf/oneOf).
    /// </summary>
    public bool Validate(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        if (AlwaysFails)
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, "is not allowed");
        }

        if (Ref is not null && !Ref.Validate(value, explain, ref failure))
        {
            return false;
        }

        foreach (var part in AllOf)
        {
            if (!part.Validate(value, explain, ref failure))
            {
                return false;
            }
        }

        var kind = value.ValueKind;
        if (Types != JsonTypes.Any && !TypeFits(Types, value))
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidType, TypeRule);
        }

        if (Enum is not null && !InEnum(value))
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, EnumRule);
        }

        var ok = kind switch
        {
            JsonValueKind.String when HasStringRules => CheckString(value, explain, ref failure),
            JsonValueKind.Number when Bounds.Length > 0 => CheckNumber(value, explain, ref failure),
            JsonValueKind.Object when HasObjectRules => CheckObject(value, explain, ref failure),
            JsonValueKind.Array when HasArrayRules => CheckArray(value, explain, ref failure),
            _ => true,
        };

        return ok &&
               (AnyOf is null || AnyOf.Validate(value, explain, ref failure)) &&
               (OneOf is null || OneOf.Validate(value, explain, ref failure));
    }

    internal static bool TypeFits(JsonTypes types, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => (types & JsonTypes.String) != 0,
        JsonValueKind.Number => (types & JsonTypes.Number) != 0 || ((types & JsonTypes.Integer) != 0 && IsInteger(value)),
        JsonValueKind.True or JsonValueKind.False => (types & JsonTypes.Boolean) != 0,
        JsonValueKind.Null => (types & JsonTypes.Null) != 0,
        JsonValueKind.Object => (types & JsonTypes.Object) != 0,
        JsonValueKind.Array => (types & JsonTypes.Array) != 0,
        _ => false,
    };

    // JSON Schema counts 2.0 as an integer: the test is the value, not its spelling.
    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number);

    private static bool Fail(bool explain, ref SchemaFailure? failure, string code, string rule)
    {
        if (explain)
        {
            failure = SchemaFailure.Broken(code, rule);
        }

        return false;
    }

    private bool InEnum(JsonElement value)
    {
        foreach (var allowed in Enum!)
        {
            if (allowed.Matches(value))
            {
                return true;
            }
        }

        return false;
    }

    private bool CheckString(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        SchemaJson.TryGetScalarUtf8(value, out var text);

        if (MinLength >= 0 || MaxLength >= 0)
        {
            var length = CountCodePoints(text);
            if (MinLength >= 0 && length < MinLength)
            {
                return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, MinLengthRule);
            }

            if (MaxLength >= 0 && length > MaxLength)
            {
                return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, MaxLengthRule);
            }
        }

        if (Format != StringFormat.None && !StringFormats.Check(Format, text))
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, StringFormats.Rule(Format));
        }

        if (Pattern is not null && !MatchesPattern(text))
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, "does not match the required pattern");
        }

        return true;
    }

    private bool MatchesPattern(ReadOnlySpan<byte> utf8)
    {
        char[]? rented = null;
        var chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var count = Encoding.UTF8.GetChars(utf8, chars);
            return Pattern!.IsMatch(chars[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // JSON Schema lengths are in code points: count the bytes that start a UTF-8 sequence.
    private static int CountCodePoints(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }

    private bool CheckNumber(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        var number = value.GetDouble();
        foreach (var bound in Bounds)
        {
            if (!bound.Holds(number))
            {
                return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, bound.Rule);
            }
        }

        return true;
    }

    private bool CheckObject(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        foreach (var property in Properties)
        {
            if (value.TryGetProperty(property.Utf8Name, out var child))
            {
                if (!property.Node.Validate(child, explain, ref failure))
                {
                    failure?.Prepend(property.Name);
                    return false;
                }
            }
            else if (property.Required)
            {
                return FailMissing(explain, ref failure, property.Name);
            }
        }

        foreach (var name in ExtraRequired)
        {
            if (!value.TryGetProperty(name, out _))
            {
                return FailMissing(explain, ref failure, name);
            }
        }

        if (AdditionalForbidden || AdditionalSchema is not null)
        {
            foreach (var member in value.EnumerateObject())
            {
                if (IsDeclared(member))
                {
                    continue;
                }

                if (AdditionalForbidden)
                {
                    if (explain)
                    {
                        failure = SchemaFailure.Unknown(member.Name);
                    }

                    return false;
                }

                if (!AdditionalSchema!.Validate(member.Value, explain, ref failure))
                {
                    failure?.Prepend(member.Name);
                    return false;
                }
            }
        }

        return true;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static bool FailMissing(bool explain, ref SchemaFailure? failure, string name)
    {
        if (explain)
        {
            failure = SchemaFailure.Missing(name);
        }

        return false;
    }

    private bool IsDeclared(JsonProperty member)
    {
        foreach (var property in Properties)
        {
            if (member.NameEquals(property.Utf8Name))
            {
                return true;
            }
        }

        return false;
    }

    private bool CheckArray(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        var length = value.GetArrayLength();
        if (MinItems >= 0 && length < MinItems)
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, MinItemsRule);
        }

        if (MaxItems >= 0 && length > MaxItems)
        {
            return Fail(explain, ref failure, RecordErrorCodes.InvalidValue, MaxItemsRule);
        }

        if (Items is not null)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (!Items.Validate(item, explain, ref failure))
                {
                    failure?.Prepend(index);
                    return false;
                }

                index++;
            }
        }

        return true;
    }
}
