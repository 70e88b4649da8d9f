using Intake.Core.Records;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Applies a load's attribute type changes inside its transaction, after its records are merged: new types
/// (unless a declaration got there first), CSV text attributes confirmed as strings, and CSV text attributes
/// widened to lists, whose stored text values in both of the dataset's tables become lists by the
/// <see cref="CsvList"/> rule.
/// </summary>
internal static class AttributeChanges
{
    // CsvList in SQL: split on commas, trim spaces and tabs, leave empty items out, keep the order. The object is
    // rebuilt from json_each in its own order (jsonb would reorder keys); other values keep their JSON text.
    private const string ToList =
        """
        UPDATE {0} t SET attrs = (
            SELECT json_object_agg(j.key, CASE WHEN j.key = @name THEN (
                    SELECT coalesce(json_agg(p.item ORDER BY p.n), '[]'::json)
                    FROM (SELECT btrim(s.raw, E' \t') AS item, s.n FROM unnest(string_to_array(j.value #>> '{{}}', ',')) WITH ORDINALITY AS s(raw, n)) p
                    WHERE p.item <> '')
                ELSE j.value END ORDER BY j.o)::text
            FROM json_each(t.attrs::json) WITH ORDINALITY AS j(key, value, o))
        WHERE json_typeof(t.attrs::json -> @name) = 'string';
        """;

    public static async Task ApplyAsync(NpgsqlConnection connection, string datasetId, int tables, IReadOnlyList<AttributeTypeChange> changes,
        CancellationToken cancellationToken)
    {
        var added = changes.Where(c => c.Kind == AttributeTypeChangeKind.Added).ToList();
        await connection.ExecuteAsync(
            """
            INSERT INTO attribute_types (dataset_id, name, type, csv_text)
            SELECT @dataset, name, type, csv_text FROM unnest(@names, @types, @csvText) AS t (name, type, csv_text)
            ON CONFLICT (dataset_id, name) DO NOTHING;
            """,
            cancellationToken,
            ("dataset", datasetId), ("names", added.Select(c => c.Name).ToArray()), ("types", added.Select(c => c.Type.ToWire()).ToArray()),
            ("csvText", added.Select(c => c.CsvText).ToArray()));
        foreach (var change in changes.Where(c => c.Kind != AttributeTypeChangeKind.Added))
        {
            await connection.ExecuteAsync(
                "UPDATE attribute_types SET type = @type, csv_text = false WHERE dataset_id = @dataset AND name = @name AND type = 'string';",
                cancellationToken, ("dataset", datasetId), ("name", change.Name), ("type", change.Type.ToWire()));
            if (change.Kind == AttributeTypeChangeKind.Widened)
            {
                foreach (var table in new[] { DatasetTables.Entities(tables), DatasetTables.Interactions(tables) })
                {
                    await connection.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ToList, table), cancellationToken,
                        ("name", change.Name));
                }
            }
        }
    }
}
