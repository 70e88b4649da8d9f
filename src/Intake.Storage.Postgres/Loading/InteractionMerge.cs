using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Settles a load's interactions after they were copied straight into the dataset's table (still uncommitted,
/// all with the load's batch number): repeats of a key within the file keep the last line (insert mode: the
/// first, the rest are conflicts), and stored events with a key of the load are replaced (insert mode: the
/// load's event is a conflict). Returns how many rows the dataset gained and the conflicts in line order.
/// </summary>
/// <remarks>
/// Both questions are asked cheaply first, so a file of new events that repeats nothing, the usual load, costs
/// one small query after its COPY: does a key hash repeat among the load's rows (the sink's sorted hashes tell,
/// spilled to disk in sorted runs for a very large load), and does the load's time range
/// meet the range of events the dataset held before (kept in <c>record_sets</c>). Only a yes runs the exact,
/// set-based step behind it.
/// </remarks>
internal sealed class InteractionMerge(NpgsqlConnection connection, LoadRequest request, string table, long staged, long minTimestamp, long maxTimestamp)
{
    private const string SameKey = "a.ts = b.ts AND a.h = b.h AND a.type = b.type AND a.source_id = b.source_id AND a.target_id = b.target_id";

    private bool Insert => request.Mode == WriteMode.Insert;

    /// <summary>Records of the load whose key hash repeats an earlier one's, once <see cref="RunAsync"/> has run.</summary>
    public long Repeats { get; private set; }

    /// <param name="hashRepeats">How many key hashes repeat among the load's rows, when the sink could tell; null to ask the database.</param>
    public async Task<(long Inserted, FirstRejections Conflicts)> RunAsync(long? hashRepeats, CancellationToken cancellationToken)
    {
        var conflicts = new FirstRejections(request.MaxStoredErrors);
        var removedFromLoad = 0L;
        Repeats = hashRepeats ?? await connection.ScalarAsync<long>($"SELECT count(*) - count(DISTINCT h) FROM {table} WHERE batch = @batch;", cancellationToken,
            ("batch", request.BatchSeq));
        if (Repeats > 0)
        {
            var repeats =
                $"""
                SELECT row, line, type, source_id, target_id, ts FROM (
                    SELECT ctid AS row, line, type, source_id, target_id, ts,
                        row_number() OVER (PARTITION BY ts, h, type, source_id, target_id ORDER BY line {(Insert ? "ASC" : "DESC")}) AS n
                    FROM {table} WHERE batch = @batch) r
                WHERE n > 1
                """;
            if (Insert)
            {
                await MergeConflicts.ReadAsync(connection, request,
                    $"SELECT line, type, source_id, target_id, ts FROM ({repeats}) r;", request.BatchSeq, conflicts, cancellationToken);
            }

            removedFromLoad += await connection.ExecuteAsync(
                $"DELETE FROM {table} t USING ({repeats}) r WHERE t.batch = @batch AND t.ctid = r.row;", cancellationToken, ("batch", request.BatchSeq));
        }

        var replaced = 0L;
        if (await MeetsStoredRangeAsync(cancellationToken))
        {
            var stored = $"SELECT 1 FROM {table} a WHERE a.batch <> @batch AND a.ts BETWEEN {minTimestamp} AND {maxTimestamp} AND {SameKey}";
            if (Insert)
            {
                await MergeConflicts.ReadAsync(connection, request,
                    $"SELECT b.line, b.type, b.source_id, b.target_id, b.ts FROM {table} b WHERE b.batch = @batch AND EXISTS ({stored});",
                    request.BatchSeq, conflicts, cancellationToken);
                removedFromLoad += await connection.ExecuteAsync($"DELETE FROM {table} b WHERE b.batch = @batch AND EXISTS ({stored});", cancellationToken,
                    ("batch", request.BatchSeq));
            }
            else
            {
                replaced = await connection.ExecuteAsync(
                    $"""
                    DELETE FROM {table} a USING {table} b
                    WHERE b.batch = @batch AND a.batch <> @batch AND a.ts BETWEEN {minTimestamp} AND {maxTimestamp} AND {SameKey};
                    """,
                    cancellationToken, ("batch", request.BatchSeq));
            }
        }

        await connection.ExecuteAsync(
            "UPDATE record_sets SET min_ts = least(min_ts, @min), max_ts = greatest(max_ts, @max) WHERE dataset_id = @dataset;", cancellationToken,
            ("min", minTimestamp), ("max", maxTimestamp), ("dataset", request.DatasetId));
        return (staged - removedFromLoad - replaced, conflicts);
    }

    /// <summary>Whether the load's time range meets the range of the events stored before it (conservative: deletions do not shrink it).</summary>
    private async Task<bool> MeetsStoredRangeAsync(CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT min_ts, max_ts FROM record_sets WHERE dataset_id = @dataset;", ("dataset", request.DatasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) && reader.GetInt64(0) <= maxTimestamp && reader.GetInt64(1) >= minTimestamp;
    }
}
