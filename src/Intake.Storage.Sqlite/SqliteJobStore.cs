using Intake.Core.Datasets;
using Intake.Core.Storage;
using Intake.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;
using static Intake.Storage.Sqlite.SqliteSql;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Sqlite;

/// <summary>
/// The control plane on SQLite. Writes are short <c>BEGIN IMMEDIATE</c> transactions on pooled connections;
/// claims are serialized by SQLite's single writer, so no row locks are needed. Split by concern:
/// datasets here, imports in <c>.Imports.cs</c>, the job log and claiming in <c>.Jobs.cs</c>.
/// </summary>
public sealed partial class SqliteJobStore(SqliteDataSource dataSource) : IJobStore
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await SqliteMigrator.MigrateAsync(connection, ControlMigrations.Scripts, cancellationToken);
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        return await SqliteMigrator.IsCurrentAsync(connection, ControlMigrations.Scripts, cancellationToken);
    }

    public async Task<bool> CreateDatasetAsync(Dataset dataset, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "INSERT INTO datasets (id, name, description, created_at, updated_at) VALUES (@id, @name, @description, @created, @updated) ON CONFLICT (id) DO NOTHING;",
            cancellationToken,
            ("@id", dataset.Id), ("@name", dataset.Name), ("@description", dataset.Description),
            ("@created", ToEpoch(dataset.CreatedAt)), ("@updated", ToEpoch(dataset.UpdatedAt))) == 1;
    }

    public async Task<Dataset?> GetDatasetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {DatasetColumns} FROM datasets WHERE id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDataset(reader) : null;
    }

    public async Task<Page<Dataset>> ListDatasetsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {DatasetColumns} FROM datasets WHERE id > @after ORDER BY id LIMIT @limit;",
            ("@after", page.Cursor ?? ""), ("@limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Dataset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadDataset(reader));
        }

        return Paged(items, page.Limit, d => d.Id);
    }

    public async Task<Dataset?> UpdateDatasetAsync(string id, string? name, string? description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenControlAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "UPDATE datasets SET name = coalesce(@name, name), description = coalesce(@description, description), updated_at = @now WHERE id = @id;",
                cancellationToken, ("@id", id), ("@name", name), ("@description", description), ("@now", ToEpoch(now)));
        }

        return await GetDatasetAsync(id, cancellationToken);
    }

    public async Task RemoveDatasetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            DELETE FROM import_tags WHERE import_seq IN (SELECT seq FROM imports WHERE dataset_id = @id);
            DELETE FROM imports WHERE dataset_id = @id;
            DELETE FROM record_types WHERE dataset_id = @id;
            DELETE FROM datasets WHERE id = @id;
            """,
            cancellationToken, ("@id", id));
        await scope.CommitAsync(cancellationToken);
    }

    public async Task SaveRecordTypeAsync(string datasetId, string name, string definition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO record_types (dataset_id, name, definition, updated_at) VALUES (@dataset, @name, @definition, @now)
            ON CONFLICT (dataset_id, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at;
            """,
            cancellationToken, ("@dataset", datasetId), ("@name", name), ("@definition", definition), ("@now", ToEpoch(now)));
    }

    public async Task<IReadOnlyList<StoredRecordType>> ListRecordTypesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT name, definition, updated_at FROM record_types WHERE dataset_id = @dataset ORDER BY name;", ("@dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var types = new List<StoredRecordType>();
        while (await reader.ReadAsync(cancellationToken))
        {
            types.Add(new StoredRecordType(reader.GetString(0), reader.GetString(1), FromEpoch(reader.GetInt64(2))));
        }

        return types;
    }
}
