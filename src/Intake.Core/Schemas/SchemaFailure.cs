using System.Text;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// The first rule a record broke, built only on the failure path: the node that failed creates it and
/// every enclosing object or array adds its path segment while the validation unwinds, so a valid
/// record allocates nothing for error reporting.
/// </summary>
internal sealed class SchemaFailure
{
    private readonly List<object> _reversedPath = [];

    private SchemaFailure(string code, string rule, bool missing)
    {
        Code = code;
        Rule = rule;
        IsMissing = missing;
    }

    public string Code { get; }

    /// <summary>The words after "Field [path] ", e.g. "must be a string".</summary>
    public string Rule { get; }

    public bool IsMissing { get; }

    public static SchemaFailure Broken(string code, string rule) => new(code, rule, missing: false);

    public static SchemaFailure Missing(string property)
    {
        var failure = new SchemaFailure(RecordErrorCodes.MissingField, "", missing: true);
        failure.Prepend(property);
        return failure;
    }

    public static SchemaFailure Unknown(string property)
    {
        var failure = new SchemaFailure(RecordErrorCodes.UnknownField, "is not allowed", missing: false);
        failure.Prepend(property);
        return failure;
    }

    public void Prepend(string property) => _reversedPath.Add(property);

    public void Prepend(int index) => _reversedPath.Add(index);

    public string? Path
    {
        get
        {
            if (_reversedPath.Count == 0)
            {
                return null;
            }

            var text = new StringBuilder();
            for (var i = _reversedPath.Count - 1; i >= 0; i--)
            {
                if (_reversedPath[i] is int index)
                {
                    text.Append('[').Append(index).Append(']');
                }
                else
                {
                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }

                    text.Append((string)_reversedPath[i]);
                }
            }

            return text.ToString();
        }
    }

    public SchemaViolation ToViolation()
    {
        var path = Path;
        var message = IsMissing
            ? $"Missing required field [{path}]."
            : path is null ? $"The record {Rule}." : $"Field [{path}] {Rule}.";
        return new SchemaViolation(Code, path, message);
    }
}
