using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Merges a load's staged entities into the dataset's table in one statement: upsert keeps the last record of a
/// key (by line), insert keeps the first and reports the rest, and every key stored already, as conflicts.
/// Returns how many rows were added (not updated) and the conflicts in line order.
/// </summary>
internal sealed class EntityMerge(NpgsqlConnection connection, LoadRequest request, string table, int recordTypeId)
{
    private bool Insert => request.Mode == WriteMode.Insert;

    /// <summary>Records of the load whose key repeats an earlier one's, once <see cref="RunAsync"/> has run.</summary>
    public long Repeats { get; private set; }

    public async Task<(long Inserted, List<RecordRejection> Conflicts)> RunAsync(long staged, CancellationToken cancellationToken)
    {
        // A temporary table is never analyzed by autovacuum; without statistics the planner guesses its size.
        await connection.ExecuteAsync("ANALYZE stage;", cancellationToken);
        var conflicts = !Insert
            ? []
            : await MergeConflicts.ReadAsync(connection, request,
                $"""
                SELECT line, type, id, NULL::text, 0::bigint FROM (SELECT s.*, row_number() OVER (PARTITION BY type, id ORDER BY line) AS n FROM stage s) s
                WHERE n > 1 OR EXISTS (SELECT 1 FROM {table} t WHERE t.type = s.type AND t.id = s.id)
                ORDER BY line;
                """,
                request.BatchSeq, cancellationToken);

        // DISTINCT ON picks one row per key (ON CONFLICT may touch a row once per statement); the order says which.
        await using var command = connection.Command(
            $"""
            WITH merged AS (
                INSERT INTO {table} AS t (type, id, name, media_url, attrs, record_type, batch)
                SELECT DISTINCT ON (type, id) type, id, name, media_url, attrs, @recordType, @batch FROM stage
                ORDER BY type, id, line {(Insert ? "ASC" : "DESC")}
                ON CONFLICT (type, id) DO {(Insert ? "NOTHING" : "UPDATE SET name = excluded.name, media_url = excluded.media_url, attrs = excluded.attrs, record_type = excluded.record_type, batch = excluded.batch")}
                RETURNING (xmax = 0) AS added)
            SELECT count(*) FILTER (WHERE added), count(*) FROM merged;
            """,
            ("recordType", recordTypeId), ("batch", request.BatchSeq));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (inserted, merged) = (reader.GetInt64(0), reader.GetInt64(1));
        await reader.DisposeAsync();

        // Upsert merges one row per key; insert mode merges only new keys, so it counts the repeats apart.
        Repeats = Insert
            ? await connection.ScalarAsync<long>("SELECT count(*) - count(DISTINCT (type, id)) FROM stage;", cancellationToken)
            : staged - merged;
        return (inserted, conflicts);
    }
}
