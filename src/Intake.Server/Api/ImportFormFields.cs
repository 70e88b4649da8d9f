using Intake.Core.Imports;

namespace Intake.Server.Api;

/// <summary>
/// The options a native multipart upload may give as form fields before its file part, as an alternative to the
/// query string: each counts like its query parameter (tags from both are kept). Any other field is refused with
/// <c>unknown_parameter</c> rather than ignored, even one the query string takes, since it would not be applied.
/// </summary>
internal static class ImportFormFields
{
    private static readonly string[] s_taken = ["recordType", "mode", "tags", "format", "delimiter", "timestampUnit", "maxErrors", "maxErrorRatio"];

    public static NewImport Apply(NewImport template, IReadOnlyDictionary<string, string> fields, HttpContext context)
    {
        foreach (var name in fields.Keys)
        {
            if (!s_taken.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw UnknownParameters.Refuse("form field", name, s_taken, $"A multipart upload to {UnknownParameters.Describe(context, context.GetEndpoint())}");
            }
        }

        string? Field(string name) => fields.GetValueOrDefault(name);
        return template with
        {
            RecordType = Field("recordType") ?? template.RecordType,
            Mode = Field("mode") is { } mode ? QueryValues.Mode(mode) : template.Mode,
            Tags = template.Tags.Concat(QueryValues.Tags(Field("tags"))).Distinct(StringComparer.Ordinal).ToList(),
            Format = QueryValues.Format(Field("format")) ?? template.Format,
            Delimiter = Field("delimiter") is { } delimiter ? QueryValues.Delimiter(delimiter) : template.Delimiter,
            TimestampUnit = Field("timestampUnit") is { } unit ? QueryValues.TimestampUnit(unit) : template.TimestampUnit,
            MaxErrors = QueryValues.MaxErrors(Field("maxErrors")) ?? template.MaxErrors,
            MaxErrorRatio = QueryValues.MaxErrorRatio(Field("maxErrorRatio")) ?? template.MaxErrorRatio,
        };
    }
}
