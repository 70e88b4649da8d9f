using Intake.Core.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// The connections of the PostgreSQL store: a pool for short statements, and a second pool for loads whose
/// sessions get memory for sorting and for the temporary staging table (session settings must be given at
/// connect time, before the first temporary table, so loads have their own pool).
/// </summary>
public sealed class PostgresDataSource : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _control;
    private readonly NpgsqlDataSource _loads;

    public PostgresDataSource(IOptions<StorageOptions> options)
        : this(options.Value.ConnectionString
            ?? throw new InvalidOperationException("Storage:ConnectionString (or INTAKE_POSTGRES) must be set when Storage:Provider is Postgres."))
    {
    }

    public PostgresDataSource(string connectionString)
    {
        var control = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(control.ApplicationName))
        {
            control.ApplicationName = "intake";
        }

        // Bulk traffic (COPY of records and of staged files, reading staged files back) moves hundreds of MB;
        // Npgsql's 8 KiB default buffers would cut it into a socket call per 8 KiB.
        if (!connectionString.Contains("Buffer Size", StringComparison.OrdinalIgnoreCase))
        {
            control.WriteBufferSize = 1 << 18;
            control.ReadBufferSize = 1 << 18;
        }

        ConnectionString = control.ConnectionString;
        _control = NpgsqlDataSource.Create(control);
        var loads = new NpgsqlConnectionStringBuilder(control.ConnectionString)
        {
            ApplicationName = control.ApplicationName + "-load",
            Options = "-c temp_buffers=256MB -c work_mem=128MB -c maintenance_work_mem=256MB",
            MaxPoolSize = 16,
        };
        _loads = NpgsqlDataSource.Create(loads);
    }

    public string ConnectionString { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _control.OpenConnectionAsync(cancellationToken);

    public ValueTask<NpgsqlConnection> OpenLoadAsync(CancellationToken cancellationToken) => _loads.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _control.DisposeAsync();
        await _loads.DisposeAsync();
    }

    public void Dispose()
    {
        _control.Dispose();
        _loads.Dispose();
    }
}
