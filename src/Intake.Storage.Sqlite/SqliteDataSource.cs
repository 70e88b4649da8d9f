using Intake.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite;

/// <summary>
/// Opens connections to the control database (<c>intake.db</c>: datasets, imports, jobs) and to each
/// dataset's own database (<c>datasets/{id}.db</c>: its records and rejections). One file per dataset means a
/// long load holds only its dataset's write lock: the control plane and other datasets stay writable.
/// A lock file keeps a second process off the same directory. Thread-safe.
/// </summary>
public sealed class SqliteDataSource : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _controlConnectionString;

    public SqliteDataSource(IOptions<StorageOptions> options, IOptions<SqliteOptions>? sqliteOptions = null)
    {
        Native.SqlitePageCache.Configure(Migrations.DatasetMigrations.PageSize, (sqliteOptions?.Value ?? new SqliteOptions()).LoadCacheMegabytes);
        DataDirectory = Path.GetFullPath(options.Value.DataDirectory);
        Directory.CreateDirectory(DatasetDirectory);
        try
        {
            _lock = new FileStream(Path.Combine(DataDirectory, "intake.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"Another Intake process is using the data directory {DataDirectory}. SQLite data can be served by one process; " +
                "use PostgreSQL to run several.", exception);
        }

        _controlConnectionString = ConnectionString(Path.Combine(DataDirectory, "intake.db"));
    }

    public string DataDirectory { get; }

    public string DatasetDirectory => Path.Combine(DataDirectory, "datasets");

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 60,
    }.ToString();

    public async Task<SqliteConnection> OpenControlAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_controlConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public string DatasetPath(string datasetId) => Path.Combine(DatasetDirectory, datasetId + ".db");

    public void Dispose() => _lock.Dispose();
}
