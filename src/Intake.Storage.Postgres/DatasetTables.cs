using System.Collections.Concurrent;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Each dataset's records live in two tables of their own, named by a number from <c>record_sets</c>
/// (dataset ids are free text): clearing or dropping a dataset is then a <c>TRUNCATE</c> or <c>DROP</c>, and
/// the timestamp ranges of one dataset's interactions are not mixed with another's.
/// </summary>
/// <remarks>
/// Entities have a unique index on their key, the target of the merge's <c>ON CONFLICT</c>. Interactions have
/// no B-tree at all: a load's events are compared only with each other (found by their batch) and with stored
/// events in the load's own time range (found by the timestamp), through BRIN indexes that cost a fraction of a
/// B-tree's upkeep. An interaction keeps the line it came from, which decides between repeats of a key in one
/// file. Key columns use the "C" collation, so comparisons are byte-wise and do not depend on the server's locale.
/// </remarks>
internal sealed class DatasetTables(PostgresDataSource dataSource)
{
    private const long CreateLock = 0x1_7A_4E_0003;
    private readonly ConcurrentDictionary<string, int> _known = new(StringComparer.Ordinal);

    public static string Entities(int n) => $"ent_{n}";

    public static string Interactions(int n) => $"int_{n}";

    /// <summary>The unique index on an entities table's key, the target of the merge's <c>ON CONFLICT</c>.</summary>
    public static string EntityKey(string table) => $"""CREATE UNIQUE INDEX {table}_key ON {table} (type, id);""";

    /// <summary>The dataset's table number, creating its tables on first use; null when <paramref name="create"/> is false and there are none.</summary>
    public async Task<int?> FindAsync(string datasetId, bool create, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(datasetId, out var known))
        {
            return known;
        }

        await using var connection = await dataSource.OpenAsync(cancellationToken);
        var existing = await connection.ScalarAsync<int?>("SELECT n FROM record_sets WHERE dataset_id = @id;", cancellationToken, ("id", datasetId));
        if (existing is null && !create)
        {
            return null;
        }

        var n = existing ?? await CreateAsync(connection, datasetId, cancellationToken);
        _known[datasetId] = n;
        return n;
    }

    public void Forget(string datasetId) => _known.TryRemove(datasetId, out _);

    private static async Task<int> CreateAsync(NpgsqlConnection connection, string datasetId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("lock", CreateLock));
        var n = await connection.ScalarAsync<int?>("SELECT n FROM record_sets WHERE dataset_id = @id;", cancellationToken, ("id", datasetId));
        if (n is null)
        {
            n = await connection.ScalarAsync<int>("INSERT INTO record_sets (dataset_id) VALUES (@id) RETURNING n;", cancellationToken, ("id", datasetId));
            await connection.ExecuteAsync(
                $"""
                CREATE TABLE {Entities(n.Value)} (
                    type text COLLATE "C" NOT NULL,
                    id text COLLATE "C" NOT NULL,
                    name text,
                    media_url text,
                    attrs text,
                    record_type integer NOT NULL,
                    batch bigint NOT NULL
                );
                {EntityKey(Entities(n.Value))}

                CREATE TABLE {Interactions(n.Value)} (
                    ts bigint NOT NULL,
                    h bigint NOT NULL,
                    line integer NOT NULL,
                    record_type integer NOT NULL,
                    batch bigint NOT NULL,
                    type text COLLATE "C" NOT NULL,
                    source_id text COLLATE "C" NOT NULL,
                    target_id text COLLATE "C" NOT NULL,
                    value double precision,
                    attrs text
                );
                CREATE INDEX {Interactions(n.Value)}_ts_batch ON {Interactions(n.Value)} USING brin (ts, batch) WITH (pages_per_range = 32, autosummarize = on);
                """,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return n.Value;
    }
}
