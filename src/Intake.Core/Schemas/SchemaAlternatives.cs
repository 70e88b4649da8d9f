using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// The forms of an <c>anyOf</c> (at least one must fit) or <c>oneOf</c> (exactly one must fit). When none
/// fits, the error is the one of the single form that "claims" the value (right JSON type and all its
/// required properties present, e.g. <c>{"email": "x"}</c> is claimed by the email form, so the error is
/// that form's pattern error at <c>link.email</c>); otherwise it lists the forms by name.
/// </summary>
internal sealed class SchemaAlternatives(SchemaNode[] options, bool exactlyOne)
{
    private FormInfo[] _forms = [];
    private string _noneRule = "";
    private string _manyRule = "";

    public SchemaNode[] Options { get; } = options;

    public bool ExactlyOne { get; } = exactlyOne;

    /// <summary>Whether no value can fit two forms, which lets an anyOf say "exactly one" truthfully.</summary>
    public bool Exclusive { get; private set; }

    public FormInfo[] Forms => _forms;

    /// <summary>Called once, after every <c>$ref</c> of the schema is resolved.</summary>
    public void Analyse()
    {
        _forms = Options.Select((option, i) => FormInfo.Of(option, i)).ToArray();
        Exclusive = ExactlyOne || AllPairsExclusive(_forms);
        var names = string.Join(", ", _forms.Select(f => f.Name));
        _noneRule = $"must match {(Exclusive ? "exactly one" : "at least one")} of the allowed forms: {names}";
        _manyRule = $"must match exactly one of the allowed forms, but matches several: {names}";
    }

    public bool Validate(JsonElement value, bool explain, ref SchemaFailure? failure)
    {
        var matches = 0;
        SchemaFailure? ignored = null;
        foreach (var option in Options)
        {
            if (option.Validate(value, explain: false, ref ignored) && (++matches > 1 || !ExactlyOne))
            {
                break;
            }
        }

        if (ExactlyOne ? matches == 1 : matches > 0)
        {
            return true;
        }

        if (!explain)
        {
            return false;
        }

        if (matches > 1)
        {
            failure = SchemaFailure.Broken(RecordErrorCodes.InvalidValue, _manyRule);
            return false;
        }

        var claimant = SingleClaimant(value);
        if (claimant >= 0 && !Options[claimant].Validate(value, explain: true, ref failure) && failure is not null)
        {
            return false;
        }

        failure = SchemaFailure.Broken(AnyTypeFits(value) ? RecordErrorCodes.InvalidValue : RecordErrorCodes.InvalidType, _noneRule);
        return false;
    }

    // Not a lambda: a closure over the parameter would be allocated on every call, valid or not.
    private bool AnyTypeFits(JsonElement value)
    {
        foreach (var form in _forms)
        {
            if (SchemaNode.TypeFits(form.Types, value))
            {
                return true;
            }
        }

        return false;
    }

    private int SingleClaimant(JsonElement value)
    {
        var claimant = -1;
        for (var i = 0; i < _forms.Length; i++)
        {
            if (_forms[i].Claims(value))
            {
                if (claimant >= 0)
                {
                    return -1;
                }

                claimant = i;
            }
        }

        return claimant;
    }

    private static bool AllPairsExclusive(FormInfo[] forms)
    {
        for (var i = 0; i < forms.Length; i++)
        {
            for (var j = i + 1; j < forms.Length; j++)
            {
                if (!forms[i].ExcludedBy(forms[j]) && !forms[j].ExcludedBy(forms[i]))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
