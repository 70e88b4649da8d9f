using Intake.Core.Jobs;

namespace Intake.Core.Webhooks;

/// <summary>The events a webhook may subscribe to (DESIGN.md 3).</summary>
public static class WebhookEvents
{
    public const string ImportCompleted = "import.completed";
    public const string ImportCompletedWithErrors = "import.completed_with_errors";
    public const string ImportFailed = "import.failed";
    public const string ImportCanceled = "import.canceled";
    public const string JobFailed = "job.failed";

    /// <summary>Sent beside <see cref="ImportCompleted"/> or <see cref="ImportCompletedWithErrors"/> when the load crossed a quality threshold of its dataset.</summary>
    public const string ImportQualityWarning = "import.quality_warning";

    /// <summary>Sent by <c>POST /v1/webhooks/{id}/ping</c> to that webhook only, whatever it subscribes to.</summary>
    public const string Ping = "webhook.ping";

    public static IReadOnlyList<string> All { get; } =
        [ImportCompleted, ImportCompletedWithErrors, ImportFailed, ImportCanceled, JobFailed, ImportQualityWarning];

    /// <summary>The event of an import that reached <paramref name="status"/>.</summary>
    public static string ForImport(JobStatus status) => "import." + status.ToWire();
}
