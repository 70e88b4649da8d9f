using Intake.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store (connection string from <c>Storage:ConnectionString</c>), its staged files
    /// (in the database, with a local copy on the node that received them, unless <c>Postgres:StagedFiles</c> is <c>directory</c>) and the LISTEN/NOTIFY wake-ups.
    /// </summary>
    public static IServiceCollection AddIntakePostgres(this IServiceCollection services)
    {
        services.TryAddSingleton<PostgresDataSource>();
        services.TryAddSingleton<PostgresJobStore>();
        services.TryAddSingleton<IJobStore>(sp => sp.GetRequiredService<PostgresJobStore>());
        services.TryAddSingleton<IWebhookStore>(sp => sp.GetRequiredService<PostgresJobStore>());
        services.TryAddSingleton<IRecordStore, PostgresRecordStore>();
        services.TryAddSingleton<IKeyStore, PostgresKeyStore>();
        services.TryAddSingleton<IStoreLifecycle, PostgresStoreLifecycle>();
        services.TryAddSingleton<IPayloadStore>(sp =>
        {
            if (!string.Equals(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.StagedFiles, "directory", StringComparison.OrdinalIgnoreCase))
            {
                var dataDirectory = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory;
                return new CachedPayloadStore(ActivatorUtilities.CreateInstance<PostgresPayloadStore>(sp), Path.Combine(dataDirectory, "staged-cache"),
                    sp.GetRequiredService<TimeProvider>());
            }

            return FileSystemPayloadStore.For(sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        });
        services.AddHostedService<PostgresNotificationListener>();
        return services;
    }
}
