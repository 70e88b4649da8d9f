using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Intake.Core.Quality;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Storage.Relational;
using static Intake.Storage.Relational.RecordRows;
using Intake.Storage.Sqlite.Migrations;
using Intake.Storage.Sqlite.Native;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>Options of the SQLite record store, bound from the <c>Sqlite</c> section.</summary>
public sealed class SqliteOptions
{
    /// <summary>Page cache of a loading connection, in MiB; a bigger cache keeps more of the key B-tree in memory.</summary>
    public int LoadCacheMegabytes { get; set; } = 32;
}

/// <summary>
/// Records on SQLite, one database file per dataset (see <see cref="SqliteDataSource"/>). Reads use pooled
/// connections on WAL snapshots; a load uses its own native connection, closed with it so its large page
/// cache is freed. Thread-safe.
/// </summary>
public sealed class SqliteRecordStore(SqliteDataSource dataSource, Microsoft.Extensions.Options.IOptions<SqliteOptions> options) : IRecordStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _migrated = new(StringComparer.Ordinal);
    private readonly WalCheckpoints _checkpoints = new();

    public async Task<IRecordSink> OpenSinkAsync(LoadRequest request, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(request.DatasetId, cancellationToken);
        var staging = Path.Combine(dataSource.DataDirectory, "loading", request.ImportId + "-" + Guid.NewGuid().ToString("N")[..8]);

        // A load writes from its first batch on. Started while the previous load's checkpoint still copies the WAL, it
        // would append to that WAL instead of restarting it (a WAL restarts only once every frame is copied), and the
        // WAL would grow load after load. A failed checkpoint is not the load's concern: SQLite replays the WAL.
        await _checkpoints.WaitAsync(dataSource.DatasetPath(request.DatasetId)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return SqliteRecordSink.Open(dataSource.DatasetPath(request.DatasetId), staging, request, options.Value.LoadCacheMegabytes,
            () => _checkpoints.Schedule(dataSource.DatasetPath(request.DatasetId)));
    }

    /// <summary>Completes when the checkpoints scheduled so far for the dataset have run (tests).</summary>
    internal Task CheckpointedAsync(string datasetId) => _checkpoints.WaitAsync(dataSource.DatasetPath(datasetId));

    public async Task<AppliedLoad?> FindAppliedLoadAsync(string datasetId, string importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var command = connection.Command($"SELECT {AppliedLoadColumns} FROM applied_loads WHERE import_id = @id;", ("@id", importId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAppliedLoad(reader) : null;
    }

    public async Task<IReadOnlyDictionary<string, AttributeType>> GetAttributeTypesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var command = connection.Command("SELECT name, type FROM attribute_types ORDER BY name;");
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
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var command = connection.Command("SELECT name FROM attribute_types WHERE csv_text = 1;");
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
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var conflicts = new List<string>();
        foreach (var (name, type) in types)
        {
            var existing = await connection.ScalarAsync<string>("SELECT type FROM attribute_types WHERE name = @name;", cancellationToken, ("@name", name));
            if (existing is not null && existing != type.ToWire())
            {
                conflicts.Add(name);
            }
        }

        if (conflicts.Count == 0)
        {
            foreach (var (name, type) in types)
            {
                // A declared type is authoritative: a CSV text string declared a string no longer widens to a list.
                await connection.ExecuteAsync("INSERT INTO attribute_types (name, type) VALUES (@name, @type) ON CONFLICT (name) DO UPDATE SET csv_text = 0;",
                    cancellationToken, ("@name", name), ("@type", type.ToWire()));
            }

            await connection.ExecuteAsync(BumpVersion, cancellationToken);

            await scope.CommitAsync(cancellationToken);
        }

        return conflicts;
    }

    public async Task<RecordCounts> CountAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        return new RecordCounts(
            await connection.ScalarAsync<long>("SELECT n FROM counts WHERE kind = 'entity';", cancellationToken),
            await connection.ScalarAsync<long>("SELECT n FROM counts WHERE kind = 'interaction';", cancellationToken));
    }

    public async Task<TypeCounts> CountByTypeAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        return new TypeCounts(await CountTypesAsync("entities"), await CountTypesAsync("interactions"));

        async Task<IReadOnlyDictionary<string, long>> CountTypesAsync(string table)
        {
            await using var command = connection.Command($"SELECT type, count(*) FROM {table} GROUP BY type ORDER BY type;");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            return counts;
        }
    }

    public async Task<IReadOnlyDictionary<long, RecordCounts>> CountByBatchAsync(string datasetId, IReadOnlyList<long> batchSeqs,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        var counts = batchSeqs.ToDictionary(s => s, _ => RecordCounts.Zero);
        foreach (var (table, entity) in new[] { ("entities", true), ("interactions", false) })
        {
            await using var command = connection.Command(
                $"SELECT batch, count(*) FROM {table} WHERE batch IN (SELECT value FROM json_each(@batches)) GROUP BY batch;",
                ("@batches", JsonSerializer.Serialize(batchSeqs)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var current = counts[reader.GetInt64(0)];
                counts[reader.GetInt64(0)] = entity ? current with { Entities = reader.GetInt64(1) } : current with { Interactions = reader.GetInt64(1) };
            }
        }

        return counts;
    }

    public async Task<StoredRecord?> FindEntityAsync(string datasetId, string type, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var command = connection.Command(
            $"{EntitySelect} WHERE e.h = @h AND e.type = @type AND e.id = @id;",
            ("@h", Loading.RecordColumns.Stored(RecordKeyHash.Entity(type, id))), ("@type", type), ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntity(reader) : null;
    }

    public async IAsyncEnumerable<StoredRecord> ExportAsync(string datasetId, ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        var batches = query.BatchSeqs is null ? null : JsonSerializer.Serialize(query.BatchSeqs);
        var batchFilter = batches is null ? "" : " AND batch IN (SELECT value FROM json_each(@batches))";
        if (query.Kind is null or RecordKind.Entity)
        {
            await using var command = connection.Command($"{EntitySelect} WHERE (@type IS NULL OR e.type = @type){batchFilter} {EntityExportOrder};",
                ("@type", query.Type), ("@batches", batches));
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
                FROM interactions i JOIN record_types t ON t.id = i.record_type
                WHERE (@type IS NULL OR i.type = @type) AND (@since IS NULL OR i.ts >= @since){batchFilter}
                {InteractionExportOrder};
                """,
                ("@type", query.Type), ("@since", query.Since), ("@batches", batches));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return ReadInteraction(reader);
            }
        }
    }

    public async Task ReadIdsAsync(string datasetId, RecordKind kind, IdTally ids, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(datasetId, cancellationToken);

        // The native reader hands each id's bytes to the tally without a string per id: an entity load reads two
        // ids per stored interaction, millions of them.
        using var connection = NativeConnection.Open(dataSource.DatasetPath(datasetId));
        using var scan = connection.Prepare(kind == RecordKind.Entity ? "SELECT id, NULL FROM entities" : "SELECT source_id, target_id FROM interactions");
        var rows = 0;
        while (scan.Step())
        {
            ids.AddId(scan.Utf8(0));
            if (!scan.IsNull(1))
            {
                ids.AddId(scan.Utf8(1));
            }

            if (++rows % 65536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    public async IAsyncEnumerable<RecordRejection> ReadErrorsAsync(string datasetId, string importId, long offset, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var command = connection.Command(
            $"SELECT {RejectionColumns} FROM errors WHERE import_id = @id ORDER BY line, seq LIMIT @limit OFFSET @offset;",
            ("@id", importId), ("@limit", limit ?? -1), ("@offset", offset));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRejection(reader);
        }
    }

    public async Task DeleteErrorsAsync(string datasetId, IReadOnlyList<string> importIds, CancellationToken cancellationToken)
    {
        if (!File.Exists(dataSource.DatasetPath(datasetId)))
        {
            return;
        }

        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await connection.ExecuteAsync("DELETE FROM errors WHERE import_id IN (SELECT value FROM json_each(@ids));", cancellationToken,
            ("@ids", JsonSerializer.Serialize(importIds)));
    }

    public async Task<long> DeleteBatchAsync(string datasetId, long batchSeq, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var entities = await connection.ExecuteAsync("DELETE FROM entities WHERE batch = @batch;", cancellationToken, ("@batch", batchSeq));
        var interactions = await connection.ExecuteAsync("DELETE FROM interactions WHERE batch = @batch;", cancellationToken, ("@batch", batchSeq));
        await connection.ExecuteAsync(
            "UPDATE counts SET n = n - CASE kind WHEN 'entity' THEN @entities ELSE @interactions END;" + BumpVersion,
            cancellationToken, ("@entities", entities), ("@interactions", interactions));
        await scope.CommitAsync(cancellationToken);
        return entities + interactions;
    }

    public async Task<long> ClearAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(datasetId, cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var removed = await connection.ExecuteAsync("DELETE FROM entities;", cancellationToken)
            + await connection.ExecuteAsync("DELETE FROM interactions;", cancellationToken);
        await connection.ExecuteAsync("DELETE FROM attribute_types; UPDATE counts SET n = 0;" + BumpVersion, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task DropDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        _migrated.TryRemove(datasetId, out _);
        await _checkpoints.WaitAsync(dataSource.DatasetPath(datasetId));

        // Pooled connections keep the files open; clearing the pool lets the files go.
        SqliteConnection.ClearAllPools();
        var path = dataSource.DatasetPath(datasetId);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Every change to records or attribute types adds one to the data version (see <see cref="IRecordSink.DatasetVersion"/>).</summary>
    private const string BumpVersion = " UPDATE data_version SET n = n + 1;";

    private const string EntitySelect =
        $"SELECT {EntityColumns} FROM entities e JOIN record_types t ON t.id = e.record_type";

    private async Task<SqliteConnection> OpenAsync(string datasetId, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(datasetId, cancellationToken);
        var connection = new SqliteConnection(SqliteDataSource.ConnectionString(dataSource.DatasetPath(datasetId)));
        await connection.OpenAsync(cancellationToken);

        // An export sorts the whole table (RecordRows.EntityExportOrder): its runs spill to temporary files, never to memory.
        await connection.ExecuteAsync("PRAGMA busy_timeout = 60000; PRAGMA temp_store = FILE;", cancellationToken);
        return connection;
    }

    private Task EnsureMigratedAsync(string datasetId, CancellationToken cancellationToken) =>
        _migrated.GetOrAdd(datasetId, id => new Lazy<Task>(() => MigrateAsync(id, CancellationToken.None))).Value.WaitAsync(cancellationToken);

    private async Task MigrateAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteDataSource.ConnectionString(dataSource.DatasetPath(datasetId)));
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA busy_timeout = 60000;", cancellationToken);
        await SqliteMigrator.MigrateAsync(connection, DatasetMigrations.Scripts, cancellationToken, DatasetMigrations.PageSize);
    }
}
