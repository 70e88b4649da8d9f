using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Scheduling;
using Intake.Core.Schemas;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Intake.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Intake.Core;

public static class IntakeCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the host-agnostic core: import acceptance, the loader and the job workers. A storage
    /// provider must register <see cref="IJobStore"/>, <see cref="IWebhookStore"/>, <see cref="IRecordStore"/> and
    /// <see cref="IPayloadStore"/>; the host registers <see cref="IWebhookPayloads"/>.
    /// Registrations use TryAdd so a host can replace any of them. The host provides <c>IMeterFactory</c> (every
    /// .NET host does) for the <c>Intake</c> meter.
    /// </summary>
    public static IServiceCollection AddIntakeCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new RecordTypeCatalog(BuiltInRecordTypes.All.Concat(CdpRecordTypes.All)));
        services.TryAddSingleton<RecordTypeRegistry>();
        services.TryAddSingleton<JobSignal>();
        services.TryAddSingleton<RunningJobs>();
        services.TryAddSingleton<LiveImports>();
        services.TryAddSingleton<IFaultInjector, NoFaults>();
        services.TryAddSingleton<UrlFetcher>();
        services.TryAddSingleton<ImportLoader>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobWorker>();
        services.TryAddSingleton<QueueGauges>();
        services.TryAddSingleton<IntakeMetrics>();
        services.TryAddSingleton<ImportAdmission>();
        services.TryAddSingleton<ImportService>();
        services.TryAddSingleton<WebhookTargets>();
        services.TryAddSingleton<WebhookService>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.TryAddSingleton<DatasetService>();
        services.TryAddSingleton<RecordQueries>();
        services.TryAddSingleton<Quality.QualityService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMaintenanceOperation, DeleteExpiredStagedFilesOperation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMaintenanceOperation, DeleteExpiredJobsOperation>());
        return services;
    }
}
