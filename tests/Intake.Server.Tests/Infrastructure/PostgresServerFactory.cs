using Intake.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The server on the PostgreSQL store, in a database of its own that is created when the server starts and
/// dropped on dispose. Shared by the tests of one class where the SQLite twin shares its factory.
/// </summary>
public class PostgresServerFactory : IntakeServerFactory
{
    private PostgresTestDatabase? _database;

    public PostgresServerFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    internal PostgresServerFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
        : base(settings, services)
    {
    }

    protected override void ConfigureStore(IWebHostBuilder builder)
    {
        // The host is built synchronously; Task.Run keeps the wait off xunit's limited-concurrency context, whose threads it could otherwise starve.
        _database = Task.Run(() => PostgresTestServer.CreateDatabaseAsync("intake_server")).GetAwaiter().GetResult();
        builder.UseSetting("Storage:Provider", "Postgres");
        builder.UseSetting("Storage:ConnectionString", _database.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
