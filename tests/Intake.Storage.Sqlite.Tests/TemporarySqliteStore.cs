using Intake.Core.Records;
using Intake.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>A SQLite record store on a data directory of its own, deleted with it.</summary>
internal sealed class TemporarySqliteStore : IDisposable
{
    private readonly string _directory;

    public TemporarySqliteStore(string name, SqliteOptions options)
    {
        _directory = Path.Combine(Path.GetTempPath(), "intake-tests", $"{name}-{Guid.NewGuid():N}");
        DataSource = new SqliteDataSource(Options.Create(new StorageOptions { DataDirectory = _directory }));
        Records = new SqliteRecordStore(DataSource, Options.Create(options));
    }

    public SqliteDataSource DataSource { get; }

    public SqliteRecordStore Records { get; }

    /// <summary>A dataset's entities as (id, name), ordered by id.</summary>
    public async Task<List<(string Id, string? Name)>> CatalogAsync(string dataset) =>
        await Records.ExportAsync(dataset, new ExportQuery(RecordKind.Entity, null, null, null), default)
            .Select(r => (r.Id, r.Name)).OrderBy(r => r.Id, StringComparer.Ordinal).ToListAsync();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        DataSource.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
