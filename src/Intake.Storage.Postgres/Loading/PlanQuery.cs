using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// A plan's classification, run before the merge on the load's rows (the staging table for entities, the load's
/// own rows of the dataset's table for interactions): each record is compared with the record its key holds just
/// before it is written, the previous record of its key in the file (by line) or else the stored one, exactly the
/// order the merge applies. One statement returns the count of each kind and the first few of each.
/// After the merge, <see cref="CountDeletionsAsync"/> counts what a <c>replace</c> commit would delete.
/// </summary>
internal sealed class PlanQuery(NpgsqlConnection connection, LoadRequest request, string table, int recordTypeId, long minTimestamp, long maxTimestamp)
{
    private readonly PlannedChangesBuilder _changes = new();

    private bool Entities => request.RecordType.Kind == RecordKind.Entity;

    public async Task ClassifyAsync(CancellationToken cancellationToken)
    {
        var (key, fields, source, stored) = Entities
            ? ("type, id", new[] { "name", "media_url", "attrs" }, "stage", $"{table} t ON t.type = s.type AND t.id = s.id")
            : ("ts, h, type, source_id, target_id", ["value", "attrs"], $"{table} WHERE batch = @batch",
                $"{table} t ON t.batch <> @batch AND t.ts BETWEEN {minTimestamp} AND {maxTimestamp} AND t.ts = s.ts AND t.h = s.h AND t.type = s.type " +
                "AND t.source_id = s.source_id AND t.target_id = s.target_id");
        string Same(string prefix) => string.Join(" AND ", fields.Select(f => $"s.{f} IS NOT DISTINCT FROM {prefix}{f}"));
        string Earlier(string field) => $"CASE WHEN p_line IS NOT NULL THEN p_{field} ELSE t_{field} END";

        // Columns: kind, its count, the key (type, id or source, target, time), the record as the file has it (name, media
        // URL, value, attributes), then the record its key held before it: batch, record type, the same four fields.
        // Insert mode writes only the first record of a key the dataset lacks; the others are conflicts, rejected.
        await using var command = connection.Command(
            $"""
            WITH s AS (
                SELECT *, lag(line) OVER w AS p_line, {string.Join(", ", fields.Select(f => $"lag({f}) OVER w AS p_{f}"))}
                FROM {source} WINDOW w AS (PARTITION BY {key} ORDER BY line)),
            c AS (
                SELECT s.*, t.record_type AS t_rt, t.batch AS t_batch, {string.Join(", ", fields.Select(f => $"t.{f} AS t_{f}"))},
                    CASE WHEN s.p_line IS NOT NULL THEN CASE WHEN {Same("s.p_")} THEN 3 ELSE 2 END
                         WHEN t.type IS NULL THEN 1
                         WHEN {Same("t.")} AND t.record_type = @recordType THEN 3
                         ELSE 2 END AS kind
                FROM s LEFT JOIN {stored} AND s.p_line IS NULL),
            k AS (
                SELECT c.*, row_number() OVER (PARTITION BY kind ORDER BY line) AS rn, count(*) OVER (PARTITION BY kind) AS n FROM c
                WHERE NOT (@insert AND kind <> 1))
            SELECT kind, n,
                {(Entities ? "type, id, NULL::text, NULL::bigint, name, media_url, NULL::float8" : "type, source_id, target_id, ts, NULL::text, NULL::text, value")}, attrs,
                CASE WHEN p_line IS NOT NULL THEN @batch ELSE t_batch END,
                CASE WHEN p_line IS NOT NULL THEN @typeName ELSE (SELECT name FROM record_type_names r WHERE r.id = t_rt) END,
                {(Entities ? $"{Earlier("name")}, {Earlier("media_url")}, NULL::float8" : $"NULL::text, NULL::text, {Earlier("value")}")}, {Earlier("attrs")}
            FROM k WHERE rn <= {PlannedChangesBuilder.SamplesPerKind} ORDER BY kind, line;
            """,
            ("batch", request.BatchSeq), ("recordType", recordTypeId), ("typeName", request.RecordType.Name), ("insert", request.Mode == WriteMode.Insert));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counted = new HashSet<ChangeKind>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetInt32(0) switch { 1 => ChangeKind.Insert, 2 => ChangeKind.Update, _ => ChangeKind.Unchanged };
            if (counted.Add(kind))
            {
                _changes.Count(kind, reader.GetInt64(1));
            }

            var after = Read(reader, 2, 6, request.BatchSeq, request.RecordType.Name);
            var before = kind == ChangeKind.Insert ? null : Read(reader, 2, 12, reader.GetInt64(10), reader.GetString(11));
            _changes.Sample(new PlannedChange(kind, before, after));
        }
    }

    /// <summary>After the merge: the stored records of the type that the replace-mode commit would delete (its very predicate).</summary>
    /// <param name="where">The replace load's deletion predicate over its table, with the record type and batch as @type and @batch.</param>
    public async Task CountDeletionsAsync(string where, CancellationToken cancellationToken)
    {
        where = $"FROM {table} {where}";
        _changes.Count(ChangeKind.Delete, await connection.ScalarAsync<long>($"SELECT count(*) {where};", cancellationToken,
            ("type", recordTypeId), ("batch", request.BatchSeq)));
        await using var command = connection.Command(
            $"""
            SELECT {(Entities ? "type, id, NULL::text, NULL::bigint, name, media_url, NULL::float8" : "type, source_id, target_id, ts, NULL, NULL, value")}, attrs, batch
            {where} LIMIT {PlannedChangesBuilder.SamplesPerKind};
            """,
            ("type", recordTypeId), ("batch", request.BatchSeq));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _changes.Sample(new PlannedChange(ChangeKind.Delete, Read(reader, 0, 4, reader.GetInt64(8), request.RecordType.Name), null));
        }
    }

    public PlannedChanges Build() => _changes.Build();

    /// <summary>A record from its key columns at <paramref name="key"/> and its name, media URL, value and attributes at <paramref name="at"/>.</summary>
    private StoredRecord Read(System.Data.Common.DbDataReader reader, int key, int at, long batch, string recordType) => new(
        request.RecordType.Kind, reader.GetString(key), reader.GetString(key + 1), reader.IsDBNull(key + 2) ? null : reader.GetString(key + 2),
        reader.IsDBNull(key + 3) ? null : reader.GetInt64(key + 3), Nullable(reader, at), Nullable(reader, at + 1),
        reader.IsDBNull(at + 2) ? null : reader.GetDouble(at + 2), Nullable(reader, at + 3), recordType, batch);

    private static string? Nullable(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
