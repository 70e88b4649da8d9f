using Intake.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Registers the embedded SQLite store and the file-system staging beside it (under the data directory unless configured).</summary>
    public static IServiceCollection AddIntakeSqlite(this IServiceCollection services)
    {
        services.TryAddSingleton<SqliteDataSource>();
        services.TryAddSingleton<SqliteJobStore>();
        services.TryAddSingleton<IJobStore>(sp => sp.GetRequiredService<SqliteJobStore>());
        services.TryAddSingleton<IWebhookStore>(sp => sp.GetRequiredService<SqliteJobStore>());
        services.TryAddSingleton<IRecordStore, SqliteRecordStore>();
        services.TryAddSingleton<IKeyStore, SqliteKeyStore>();
        services.TryAddSingleton<IStoreLifecycle, SqliteStoreLifecycle>();
        services.TryAddSingleton<IPayloadStore>(sp => FileSystemPayloadStore.For(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        return services;
    }
}
