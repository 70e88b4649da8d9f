using System.Runtime.CompilerServices;
using Intake.Core.Quality;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Storage.Relational;
using static Intake.Storage.Relational.RecordRows;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Records on PostgreSQL: each dataset's entities and interactions in tables of their own
/// (<see cref="DatasetTables"/>), rejections, attribute types and applied-load markers in shared tables keyed
/// by dataset. Reads see committed loads only. Thread-safe.
/// </summary>
public sealed class PostgresRecordStore : IRecordStore
{
    private readonly PostgresDataSource _dataSource;
    private readonly DatasetTables _tables;

    public PostgresRecordStore(PostgresDataSource dataSource)
    {
        _dataSource = dataSource;
        _tables = new DatasetTables(dataSource);
    }

    public async Task<IRecordSink> OpenSinkAsync(LoadRequest request, CancellationToken cancellationToken)
    {
        var tables = (await _tables.FindAsync(request.DatasetId, create: true, cancellationToken))!.Value;
        return await PostgresRecordSink.OpenAsync(_dataSource, request, tables, cancellationToken);
    }

    public async Task<AppliedLoad?> FindAppliedLoadAsync(string datasetId, string importId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {AppliedLoadColumns} FROM applied_loads WHERE import_id = @id AND dataset_id = @dataset;", ("id", importId), ("dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAppliedLoad(reader) : null;
    }

    public async Task<IReadOnlyDictionary<string, AttributeType>> GetAttributeTypesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT name, type FROM attribute_types WHERE dataset_id = @dataset;", ("dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var types = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (AttributeTypeNames.TryParse(reader.GetString(1), out var type))
            {
                types[reader.GetString(0)] = type;
            }
        }

        return types;
    }

    public async Task<IReadOnlyCollection<string>> GetCsvTextAttributesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT name FROM attribute_types WHERE dataset_id = @dataset AND csv_text;", ("dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async Task<IReadOnlyList<string>> DeclareAttributeTypesAsync(string datasetId, IReadOnlyDictionary<string, AttributeType> types,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@dataset, 13));", cancellationToken, ("dataset", datasetId));
        var names = types.Keys.ToArray();
        var wire = types.Values.Select(t => t.ToWire()).ToArray();
        var conflicts = new List<string>();
        await using (var command = connection.Command(
            """
            SELECT a.name FROM attribute_types a JOIN unnest(@names, @types) AS d (name, type) ON d.name = a.name
            WHERE a.dataset_id = @dataset AND a.type <> d.type ORDER BY a.name;
            """,
            ("dataset", datasetId), ("names", names), ("types", wire)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                conflicts.Add(reader.GetString(0));
            }
        }

        if (conflicts.Count == 0)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO attribute_types (dataset_id, name, type) SELECT @dataset, name, type FROM unnest(@names, @types) AS d (name, type)
                ON CONFLICT (dataset_id, name) DO UPDATE SET csv_text = false;
                UPDATE record_sets SET version = version + 1 WHERE dataset_id = @dataset;
                """,
                cancellationToken, ("dataset", datasetId), ("names", names), ("types", wire));
            await transaction.CommitAsync(cancellationToken);
        }

        return conflicts;
    }

    public async Task<RecordCounts> CountAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT entities, interactions FROM record_sets WHERE dataset_id = @dataset;", ("dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new RecordCounts(reader.GetInt64(0), reader.GetInt64(1)) : RecordCounts.Zero;
    }

    public async Task<TypeCounts> CountByTypeAsync(string datasetId, CancellationToken cancellationToken)
    {
        var entities = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var interactions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is { } n)
        {
            await using var connection = await _dataSource.OpenAsync(cancellationToken);
            await using var command = connection.Command(
                $"""
                SELECT type, count(*), true FROM {DatasetTables.Entities(n)} GROUP BY type
                UNION ALL
                SELECT type, count(*), false FROM {DatasetTables.Interactions(n)} GROUP BY type;
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                (reader.GetBoolean(2) ? entities : interactions)[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new TypeCounts(entities, interactions);
    }

    public async Task<IReadOnlyDictionary<long, RecordCounts>> CountByBatchAsync(string datasetId, IReadOnlyList<long> batchSeqs,
        CancellationToken cancellationToken)
    {
        var counts = batchSeqs.ToDictionary(s => s, _ => RecordCounts.Zero);
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            return counts;
        }

        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT batch, count(*), true FROM {DatasetTables.Entities(n)} WHERE batch = ANY (@batches) GROUP BY batch
            UNION ALL
            SELECT batch, count(*), false FROM {DatasetTables.Interactions(n)} WHERE batch = ANY (@batches) GROUP BY batch;
            """,
            ("batches", batchSeqs.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var current = counts[reader.GetInt64(0)];
            counts[reader.GetInt64(0)] = reader.GetBoolean(2) ? current with { Entities = reader.GetInt64(1) } : current with { Interactions = reader.GetInt64(1) };
        }

        return counts;
    }

    public async Task<StoredRecord?> FindEntityAsync(string datasetId, string type, string id, CancellationToken cancellationToken)
    {
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            return null;
        }

        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command($"{EntitySelect(n)} WHERE e.type = @type AND e.id = @id;", ("type", type), ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntity(reader) : null;
    }

    public async IAsyncEnumerable<StoredRecord> ExportAsync(string datasetId, ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            yield break;
        }

        await using var connection = await _dataSource.OpenAsync(cancellationToken);

        // One snapshot for both kinds, as a reader of a single file would see; the cursor-less reader streams rows.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var batches = query.BatchSeqs?.ToArray();
        var batchFilter = batches is null ? "" : " AND batch = ANY (@batches)";
        if (query.Kind is null or RecordKind.Entity)
        {
            await using var command = connection.Command($"{EntitySelect(n)} WHERE (@type::text IS NULL OR e.type = @type::text){batchFilter} {EntityExportOrder};",
                ("type", query.Type), ("batches", batches));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return ReadEntity(reader);
            }
        }

        if (query.Kind is null or RecordKind.Interaction)
        {
            await using var command = connection.Command(
                $"""
                SELECT {InteractionColumns}
                FROM {DatasetTables.Interactions(n)} i JOIN record_type_names t ON t.id = i.record_type
                WHERE (@type::text IS NULL OR i.type = @type::text) AND (@since::bigint IS NULL OR i.ts >= @since::bigint){batchFilter}
                {InteractionExportOrder};
                """,
                ("type", query.Type), ("since", query.Since), ("batches", batches));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return ReadInteraction(reader);
            }
        }
    }

    public async Task ReadIdsAsync(string datasetId, RecordKind kind, IdTally ids, CancellationToken cancellationToken)
    {
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            return;
        }

        // The server removes the repeats (every interaction names two ids, mostly the same few): fewer rows to send.
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(kind == RecordKind.Entity
            ? $"SELECT id FROM {DatasetTables.Entities(n)};"
            : $"SELECT source_id FROM {DatasetTables.Interactions(n)} UNION SELECT target_id FROM {DatasetTables.Interactions(n)};");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.AddId(reader.GetString(0));
        }
    }

    public async IAsyncEnumerable<RecordRejection> ReadErrorsAsync(string datasetId, string importId, long offset, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {RejectionColumns} FROM load_errors WHERE import_id = @id AND dataset_id = @dataset ORDER BY line, seq LIMIT @limit OFFSET @offset;",
            ("id", importId), ("dataset", datasetId), ("limit", (object?)limit ?? DBNull.Value), ("offset", offset));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRejection(reader);
        }
    }

    public async Task DeleteErrorsAsync(string datasetId, IReadOnlyList<string> importIds, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM load_errors WHERE import_id = ANY (@ids);", cancellationToken, ("ids", importIds.ToArray()));
    }

    public async Task<long> DeleteBatchAsync(string datasetId, long batchSeq, CancellationToken cancellationToken)
    {
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            return 0;
        }

        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entities = await connection.ExecuteAsync($"DELETE FROM {DatasetTables.Entities(n)} WHERE batch = @batch;", cancellationToken, ("batch", batchSeq));
        var interactions = await connection.ExecuteAsync($"DELETE FROM {DatasetTables.Interactions(n)} WHERE batch = @batch;", cancellationToken,
            ("batch", batchSeq));
        await connection.ExecuteAsync(
            "UPDATE record_sets SET entities = entities - @entities, interactions = interactions - @interactions, version = version + 1 WHERE dataset_id = @dataset;",
            cancellationToken, ("entities", (long)entities), ("interactions", (long)interactions), ("dataset", datasetId));
        await transaction.CommitAsync(cancellationToken);
        return entities + interactions;
    }

    public async Task<long> ClearAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (await _tables.FindAsync(datasetId, create: false, cancellationToken) is not { } n)
        {
            return 0;
        }

        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var removed = await connection.ScalarAsync<long>(
            "SELECT entities + interactions FROM record_sets WHERE dataset_id = @dataset FOR UPDATE;", cancellationToken, ("dataset", datasetId));
        await connection.ExecuteAsync(
            $"""
            TRUNCATE {DatasetTables.Entities(n)}, {DatasetTables.Interactions(n)};
            DELETE FROM attribute_types WHERE dataset_id = @dataset;
            UPDATE record_sets SET entities = 0, interactions = 0, min_ts = NULL, max_ts = NULL, version = version + 1 WHERE dataset_id = @dataset;
            """,
            cancellationToken, ("dataset", datasetId));
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task DropDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        var n = await _tables.FindAsync(datasetId, create: false, cancellationToken);
        await using var connection = await _dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (n is not null)
        {
            await connection.ExecuteAsync($"DROP TABLE IF EXISTS {DatasetTables.Entities(n.Value)}, {DatasetTables.Interactions(n.Value)};", cancellationToken);
        }

        await connection.ExecuteAsync(
            """
            DELETE FROM record_sets WHERE dataset_id = @dataset;
            DELETE FROM attribute_types WHERE dataset_id = @dataset;
            DELETE FROM load_errors WHERE dataset_id = @dataset;
            DELETE FROM applied_loads WHERE dataset_id = @dataset;
            """,
            cancellationToken, ("dataset", datasetId));
        await transaction.CommitAsync(cancellationToken);
        _tables.Forget(datasetId);
    }

    private static string EntitySelect(int n) =>
        $"SELECT {EntityColumns} FROM {DatasetTables.Entities(n)} e JOIN record_type_names t ON t.id = e.record_type";

}
