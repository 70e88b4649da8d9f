using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Merges a load's entities into the dataset's table: upsert keeps the last record of a key (by line), insert
/// keeps the first and reports the rest, and every key stored already, as conflicts. Returns how many rows were
/// added (not updated) and the conflicts in line order.
/// </summary>
/// <remarks>
/// Usually the records are staged in a temporary table and merged by one <c>INSERT … SELECT DISTINCT ON … ON
/// CONFLICT</c>. A first load (the table is empty, and it is not a plan) instead copies its records into a new
/// table of the dataset's shape, without the unique index and with each record's line and key hash: the repeats
/// of a key are then deleted (only rows whose hash repeats are sorted), the index is built once, sorted, and
/// <see cref="SwapAsync"/> puts that table in the empty one's place just before the commit. That spares the second
/// write of every row and the index insertion per row, which were most of a first load's merge (issue 8, ADR 4);
/// readers keep reading the empty table without waiting until that last moment.
/// </remarks>
internal sealed class EntityMerge(NpgsqlConnection connection, LoadRequest request, string table, int recordTypeId, string? replacement)
{
    /// <summary>The columns a first load copies into its new table; the first two are dropped before the swap.</summary>
    public const string FirstLoadColumns = "line, h, type, id, name, media_url, attrs, record_type, batch";

    private bool Insert => request.Mode == WriteMode.Insert;

    /// <summary>Records of the load whose key repeats an earlier one's, once <see cref="RunAsync"/> has run.</summary>
    public long Repeats { get; private set; }

    /// <summary>
    /// When the dataset's table is empty and the load is not a plan: creates the new table a first load copies into and
    /// returns its name; otherwise null. From here to the commit the table's writers wait (loads of the dataset already
    /// do, by its advisory lock), so it stays empty; readers do not wait.
    /// </summary>
    public static async Task<string?> BeginFirstLoadAsync(NpgsqlConnection connection, LoadRequest request, string table, CancellationToken cancellationToken)
    {
        if (request.Plan)
        {
            return null;
        }

        await connection.ExecuteAsync($"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE;", cancellationToken);
        if (!await connection.ScalarAsync<bool>($"SELECT NOT EXISTS (SELECT 1 FROM {table});", cancellationToken))
        {
            return null;
        }

        var replacement = table + "_load";
        await connection.ExecuteAsync($"CREATE TABLE {replacement} (line bigint NOT NULL, h bigint NOT NULL, LIKE {table});", cancellationToken);
        return replacement;
    }

    /// <param name="hashRepeats">For a first load, how many key hashes repeat among its rows (the sink's sorted hashes): none, nothing to settle.</param>
    public async Task<(long Inserted, FirstRejections Conflicts)> RunAsync(long staged, long? hashRepeats, CancellationToken cancellationToken) =>
        replacement is null ? await MergeStagedAsync(staged, cancellationToken) : await SettleFirstLoadAsync(staged, replacement, hashRepeats != 0, cancellationToken);

    /// <summary>
    /// Puts the table a first load built in the dataset's table's place (which was empty and stayed so: its writers
    /// waited). Dropping it waits for its readers and holds new ones until the commit that follows.
    /// </summary>
    public static async Task SwapAsync(NpgsqlConnection connection, string table, string replacement, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            $"DROP TABLE {table}; ALTER TABLE {replacement} RENAME TO {table}; ALTER INDEX {replacement}_key RENAME TO {table}_key;", cancellationToken);

    private async Task<(long Inserted, FirstRejections Conflicts)> MergeStagedAsync(long staged, CancellationToken cancellationToken)
    {
        // A temporary table is never analyzed by autovacuum; without statistics the planner guesses its size.
        await connection.ExecuteAsync("ANALYZE stage;", cancellationToken);
        var conflicts = new FirstRejections(request.MaxStoredErrors);
        if (Insert)
        {
            await MergeConflicts.ReadAsync(connection, request,
                $"""
                SELECT line, type, id, NULL::text, 0::bigint FROM (SELECT s.*, row_number() OVER (PARTITION BY type, id ORDER BY line) AS n FROM stage s) s
                WHERE n > 1 OR EXISTS (SELECT 1 FROM {table} t WHERE t.type = s.type AND t.id = s.id)
                """,
                request.BatchSeq, conflicts, cancellationToken);
        }

        // DISTINCT ON picks one row per key (ON CONFLICT may touch a row once per statement); the order says which.
        // Its sort also hands the keys to the index in order, which measured faster than unsorted rows when most update.
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

    /// <summary>A first load: only the records whose key repeats (insert mode: after the first; upsert: before the last) are removed.</summary>
    private async Task<(long Inserted, FirstRejections Conflicts)> SettleFirstLoadAsync(long staged, string loaded, bool anyRepeat,
        CancellationToken cancellationToken)
    {
        // Only rows whose key hash repeats can repeat a key; a hash that two keys share just sends both through the sort.
        var losers =
            $"""
            SELECT ctid AS row, line, type, id FROM (
                SELECT ctid, line, type, id, row_number() OVER (PARTITION BY type, id ORDER BY line {(Insert ? "ASC" : "DESC")}) AS n
                FROM {loaded} WHERE h IN (SELECT h FROM {loaded} GROUP BY h HAVING count(*) > 1)) r
            WHERE n > 1
            """;
        var conflicts = new FirstRejections(request.MaxStoredErrors);
        if (Insert && anyRepeat)
        {
            await MergeConflicts.ReadAsync(connection, request, $"SELECT line, type, id, NULL::text, 0::bigint FROM ({losers}) r;", request.BatchSeq,
                conflicts, cancellationToken);
        }

        Repeats = !anyRepeat ? 0 : await connection.ExecuteAsync($"DELETE FROM {loaded} WHERE ctid = ANY (ARRAY (SELECT row FROM ({losers}) r));",
            cancellationToken);

        // Dropping a column only hides it (its bytes stay in the rows written): the table then has the dataset table's columns.
        await connection.ExecuteAsync($"ALTER TABLE {loaded} DROP COLUMN line, DROP COLUMN h; {DatasetTables.EntityKey(loaded)}", cancellationToken);
        return (staged - Repeats, conflicts);
    }
}
