using Intake.Core.Records;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// Applies a load's attribute type changes inside its transaction, after its records are merged: new types
/// (unless a declaration got there first), CSV text attributes confirmed as strings, and CSV text attributes
/// widened to lists, whose stored text values in both tables become lists by the <see cref="CsvList"/> rule.
/// </summary>
internal static class AttributeChanges
{
    // CsvList in SQL: split on commas, trim spaces and tabs, leave empty items out, keep the order. The JSON path
    // addresses the attribute (names holding a double quote never widen: AttributeTypeMap), and json_set keeps
    // every other value's text as it was.
    private const string ToList =
        """
        UPDATE {0} SET attrs = json_set(attrs, ?1, (
            WITH RECURSIVE s(part, rest, n) AS (
                SELECT NULL, json_extract(attrs, ?1) || ',', 0
                UNION ALL
                SELECT trim(substr(rest, 1, instr(rest, ',') - 1), ' ' || char(9)), substr(rest, instr(rest, ',') + 1), n + 1 FROM s WHERE rest <> ''
            )
            SELECT json_group_array(part) FROM (SELECT part FROM s WHERE part <> '' ORDER BY n)))
        WHERE json_type(attrs, ?1) = 'text'
        """;

    public static void Apply(NativeConnection connection, IReadOnlyList<AttributeTypeChange> changes)
    {
        using var add = connection.Prepare("INSERT INTO attribute_types (name, type, csv_text) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING");
        using var confirm = connection.Prepare("UPDATE attribute_types SET type = ?2, csv_text = 0 WHERE name = ?1 AND type = 'string'");
        foreach (var change in changes)
        {
            var statement = change.Kind == AttributeTypeChangeKind.Added ? add : confirm;
            statement.Bind(1, change.Name);
            statement.Bind(2, change.Type.ToWire());
            if (change.Kind == AttributeTypeChangeKind.Added)
            {
                statement.Bind(3, change.CsvText ? 1L : 0L);
            }

            statement.Execute();
            if (change.Kind == AttributeTypeChangeKind.Widened)
            {
                foreach (var table in new[] { "entities", "interactions" })
                {
                    using var toList = connection.Prepare(string.Format(System.Globalization.CultureInfo.InvariantCulture, ToList, table));
                    toList.Bind(1, $"$.\"{change.Name}\"");
                    toList.Execute();
                }
            }
        }
    }
}
