using System.Text;
using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Merges a load's staging table into its dataset's table, set-based: upsert keeps the last record of a key
/// (by line), insert keeps the first and rejects the rest and every key stored already. Returns how many
/// rows were added (not updated) and the insert-mode conflicts in line order.
/// </summary>
internal sealed class StagedMerge(NpgsqlConnection connection, LoadRequest request, string table, int recordTypeId, long minTimestamp, long maxTimestamp)
{
    private bool Insert => request.Mode == WriteMode.Insert;

    public async Task<(long Inserted, List<RecordRejection> Conflicts)> RunAsync(CancellationToken cancellationToken)
    {
        // A temporary table is never analyzed by autovacuum; without statistics the planner guesses its size.
        await connection.ExecuteAsync("ANALYZE stage;", cancellationToken);
        return request.RecordType.Kind == RecordKind.Entity
            ? await MergeEntitiesAsync(cancellationToken)
            : await MergeInteractionsAsync(cancellationToken);
    }

    private async Task<(long, List<RecordRejection>)> MergeEntitiesAsync(CancellationToken cancellationToken)
    {
        var conflicts = new List<RecordRejection>();
        if (Insert)
        {
            conflicts = await ReadConflictsAsync(
                $"""
                SELECT line, type, id, NULL::text, 0::bigint FROM (SELECT s.*, row_number() OVER (PARTITION BY type, id ORDER BY line) AS n FROM stage s) s
                WHERE n > 1 OR EXISTS (SELECT 1 FROM {table} t WHERE t.type = s.type AND t.id = s.id)
                ORDER BY line;
                """,
                cancellationToken);
        }

        // DISTINCT ON picks one row per key (ON CONFLICT may touch a row once per statement); the order says which.
        var inserted = await connection.ScalarAsync<long>(
            $"""
            WITH merged AS (
                INSERT INTO {table} AS t (type, id, name, media_url, attrs, record_type, batch)
                SELECT DISTINCT ON (type, id) type, id, name, media_url, attrs, @recordType, @batch FROM stage
                ORDER BY type, id, line {(Insert ? "ASC" : "DESC")}
                ON CONFLICT (type, id) DO {(Insert ? "NOTHING" : "UPDATE SET name = excluded.name, media_url = excluded.media_url, attrs = excluded.attrs, record_type = excluded.record_type, batch = excluded.batch")}
                RETURNING (xmax = 0) AS added)
            SELECT count(*) FILTER (WHERE added) FROM merged;
            """,
            cancellationToken, ("recordType", recordTypeId), ("batch", request.BatchSeq));
        return (inserted, conflicts);
    }

    /// <remarks>
    /// Interactions have no unique index to lean on. Two questions decide the work: does the file repeat a
    /// key (then one row per key is chosen first), and does the dataset hold any event in the load's time
    /// range (found through the BRIN index; then stored events with a staged key are updated, or rejected in
    /// insert mode, and only the rest inserted). A load of new events that repeats nothing, the usual case,
    /// is one plain INSERT … SELECT.
    /// </remarks>
    private async Task<(long, List<RecordRejection>)> MergeInteractionsAsync(CancellationToken cancellationToken)
    {
        const string KeyMatch = "t.ts = s.ts AND t.h = s.h AND t.type = s.type AND t.source_id = s.source_id AND t.target_id = s.target_id";
        var range = $"t.ts BETWEEN {minTimestamp} AND {maxTimestamp}";
        var conflicts = new List<RecordRejection>();
        var source = "stage";
        if (await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM stage GROUP BY ts, h HAVING count(*) > 1);", cancellationToken))
        {
            if (Insert)
            {
                conflicts.AddRange(await ReadConflictsAsync(
                    """
                    SELECT line, type, source_id, target_id, ts FROM (
                        SELECT s.*, row_number() OVER (PARTITION BY ts, h, type, source_id, target_id ORDER BY line) AS n FROM stage s) s
                    WHERE n > 1;
                    """,
                    cancellationToken));
            }

            await connection.ExecuteAsync(
                $"""
                CREATE TEMP TABLE chosen ON COMMIT DROP AS
                SELECT DISTINCT ON (ts, h, type, source_id, target_id) * FROM stage
                ORDER BY ts, h, type, source_id, target_id, line {(Insert ? "ASC" : "DESC")};
                ANALYZE chosen;
                """,
                cancellationToken);
            source = "chosen";
        }

        var overlaps = await connection.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM {table} t WHERE {range});", cancellationToken);
        if (overlaps)
        {
            if (Insert)
            {
                conflicts.AddRange(await ReadConflictsAsync(
                    $"SELECT line, type, source_id, target_id, ts FROM {source} s WHERE EXISTS (SELECT 1 FROM {table} t WHERE {range} AND {KeyMatch});",
                    cancellationToken));
            }
            else
            {
                await connection.ExecuteAsync(
                    $"""
                    UPDATE {table} t SET value = s.value, attrs = s.attrs, record_type = @recordType, batch = @batch
                    FROM {source} s WHERE {range} AND {KeyMatch};
                    """,
                    cancellationToken, ("recordType", recordTypeId), ("batch", request.BatchSeq));
            }
        }

        var inserted = await connection.ExecuteAsync(
            $"""
            INSERT INTO {table} (ts, h, type, source_id, target_id, value, attrs, record_type, batch)
            SELECT ts, h, type, source_id, target_id, value, attrs, @recordType, @batch FROM {source} s
            {(overlaps ? $"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {range} AND {KeyMatch})" : "")};
            """,
            cancellationToken, ("recordType", recordTypeId), ("batch", request.BatchSeq));

        // New pages are left out of the BRIN summary until summarized, and an unsummarized range matches every
        // query: summarizing now keeps the next load's overlap test cheap.
        await connection.ExecuteAsync($"SELECT brin_summarize_new_values('{table}_ts');", cancellationToken);
        conflicts.Sort((a, b) => a.Line.CompareTo(b.Line));
        return (inserted, conflicts);
    }

    /// <summary>Reads (line, type, id, target, timestamp) rows and describes each as an existing key.</summary>
    private async Task<List<RecordRejection>> ReadConflictsAsync(string sql, CancellationToken cancellationToken)
    {
        var conflicts = new List<RecordRejection>();
        await using var command = connection.Command(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conflicts.Add(request.RecordType.AlreadyExists(request.DatasetId, reader.GetInt64(0), Encoding.UTF8.GetBytes(reader.GetString(1)),
                Encoding.UTF8.GetBytes(reader.GetString(2)), reader.IsDBNull(3) ? [] : Encoding.UTF8.GetBytes(reader.GetString(3)),
                reader.IsDBNull(4) ? 0 : reader.GetInt64(4)));
        }

        return conflicts;
    }
}
