using System.Text;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Schemas;

namespace Intake.Cli.Offline;

/// <summary>The record types the offline commands know: the server's built-in catalogue, plus one defined in a file.</summary>
internal static class RecordTypes
{
    public static RecordTypeCatalog Catalog { get; } = new(BuiltInRecordTypes.All.Concat(CdpRecordTypes.All));

    /// <summary>A custom type from its definition file (docs/record-types.md), as the server would compile it.</summary>
    public static IReadOnlyDictionary<string, RecordType>? Custom(string? name, FileInfo? definition)
    {
        if (definition is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(name))
        {
            throw new UsageException("--definition needs --record-type to name the type it defines.");
        }

        var type = SchemaRecordType.FromDefinition(name, Encoding.UTF8.GetBytes(File.ReadAllText(definition.FullName)));
        return new Dictionary<string, RecordType>(StringComparer.OrdinalIgnoreCase) { [name] = type };
    }

    /// <summary>The schema cells are typed by, for <c>convert --record-type</c>: only schema-defined types have one.</summary>
    public static RecordSchema Schema(string name, FileInfo? definition)
    {
        var type = Catalog.Find(name, Custom(name, definition))
            ?? throw new UsageException($"Record type '{name}' is not known; the CDP types are {string.Join(", ", CdpRecordTypes.All.Select(t => t.Name))}.");
        return type is SchemaRecordType schema
            ? schema.Schema
            : throw new UsageException($"Record type '{name}' has fixed columns and no schema to type values by; --record-type takes a CDP type or one given with --definition.");
    }

    public static char Delimiter(string? value) => value switch
    {
        null or "" => ',',
        "tab" or "\\t" => '\t',
        { Length: 1 } single when single[0] is not ('"' or '\r' or '\n') && single[0] < 128 => single[0],
        _ => throw new UsageException($"--delimiter '{value}' must be one ASCII character (not a quote or line break), or tab."),
    };
}
