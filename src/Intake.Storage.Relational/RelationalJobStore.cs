using System.Data.Common;
using Intake.Core.Datasets;
using Intake.Core.Storage;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

/// <summary>
/// The control plane over SQL, shared by the SQLite and PostgreSQL stores: the same tables and statements,
/// with what differs between the two (connections, transactions, row locks, lists as parameters, the order
/// sequence, notifications) supplied by the store. Every status change is a compare-and-set in a short write
/// transaction that appends a history row. Split by concern: datasets here, imports in <c>.Imports.cs</c>,
/// the job log and claiming in <c>.Jobs.cs</c>.
/// </summary>
public abstract partial class RelationalJobStore(TimeProvider time) : IJobStore
{
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The next acceptance-order number, taken inside the caller's write transaction.</summary>
    protected abstract Task<long> NextOrderSeqAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The condition "<paramref name="column"/> is one of the list in <paramref name="parameter"/>".</summary>
    protected abstract string InList(string column, string parameter);

    /// <summary>The value of a list parameter used with <see cref="InList"/>.</summary>
    protected abstract object ListValue(IReadOnlyList<string> values);

    /// <summary>Appended to a select that locks the rows it picks, passing over rows another transaction holds ("" where writers are serialized anyway).</summary>
    protected abstract string SkipLockedRows { get; }

    /// <summary>Appended to a select that locks the row it reads ("" where writers are serialized anyway).</summary>
    protected abstract string LockRow { get; }

    /// <summary>Makes a text comparison byte-wise, so paging by id matches ordering by id.</summary>
    protected abstract string Bytewise { get; }

    /// <summary>Announces that a job was queued or finished, so idle workers on other nodes look now.</summary>
    protected virtual Task NotifyQueuedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Announces a cancel request, so the node running the job stops it now.</summary>
    protected virtual Task NotifyCancelAsync(DbConnection connection, string jobId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Serializes creations with the same idempotency key until the transaction ends.</summary>
    protected virtual Task LockIdempotencyKeyAsync(DbConnection connection, string key, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before every claim; a store shared by nodes recovers expired leases here.</summary>
    protected virtual Task BeforeClaimAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;

    protected TimeProvider Time => time;

    public async Task<bool> CreateDatasetAsync(Dataset dataset, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "INSERT INTO datasets (id, name, description, created_at, updated_at) VALUES (@id, @name, CAST(@description AS TEXT), @created, @updated) ON CONFLICT (id) DO NOTHING;",
            cancellationToken,
            ("@id", dataset.Id), ("@name", dataset.Name), ("@description", dataset.Description),
            ("@created", ToEpoch(dataset.CreatedAt)), ("@updated", ToEpoch(dataset.UpdatedAt))) == 1;
    }

    public async Task<Dataset?> GetDatasetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {DatasetColumns} FROM datasets WHERE id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDataset(reader) : null;
    }

    public async Task<Page<Dataset>> ListDatasetsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {DatasetColumns} FROM datasets WHERE id{Bytewise} > @after ORDER BY id{Bytewise} LIMIT @limit;",
            ("@after", page.Cursor ?? ""), ("@limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Dataset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadDataset(reader));
        }

        return Paged(items, page.Limit, d => d.Id);
    }

    public async Task<Dataset?> UpdateDatasetAsync(string id, string? name, string? description, string? quality, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "UPDATE datasets SET name = coalesce(CAST(@name AS TEXT), name), description = coalesce(CAST(@description AS TEXT), description), " +
                "quality = coalesce(CAST(@quality AS TEXT), quality), updated_at = @now WHERE id = @id;",
                cancellationToken, ("@id", id), ("@name", name), ("@description", description), ("@quality", quality), ("@now", ToEpoch(now)));
        }

        return await GetDatasetAsync(id, cancellationToken);
    }

    public async Task RemoveDatasetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(
            """
            DELETE FROM import_tags WHERE import_seq IN (SELECT seq FROM imports WHERE dataset_id = @id);
            DELETE FROM imports WHERE dataset_id = @id;
            DELETE FROM record_types WHERE dataset_id = @id;
            DELETE FROM datasets WHERE id = @id;
            """,
            cancellationToken, ("@id", id));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveRecordTypeAsync(string datasetId, string name, string definition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO record_types (dataset_id, name, definition, updated_at) VALUES (@dataset, @name, @definition, @now)
            ON CONFLICT (dataset_id, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at;
            """,
            cancellationToken, ("@dataset", datasetId), ("@name", name), ("@definition", definition), ("@now", ToEpoch(now)));
    }

    public async Task<IReadOnlyList<StoredRecordType>> ListRecordTypesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT name, definition, updated_at FROM record_types WHERE dataset_id = @dataset ORDER BY name{Bytewise};", ("@dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var types = new List<StoredRecordType>();
        while (await reader.ReadAsync(cancellationToken))
        {
            types.Add(new StoredRecordType(reader.GetString(0), reader.GetString(1), FromEpoch(reader.GetInt64(2))));
        }

        return types;
    }
}
