using Intake.Core.Webhooks;

namespace Intake.Core.Storage;

/// <summary>
/// Webhooks and their outbox. Deliveries of job and import events are written by <see cref="IJobStore.TransitionAsync"/>
/// in the transaction of the final transition; this port adds, lists and sends them. Sending is claimed with a
/// lease, so across nodes exactly one sender makes each attempt. Implementations are thread-safe.
/// </summary>
public interface IWebhookStore
{
    Task CreateWebhookAsync(Webhook webhook, CancellationToken cancellationToken);

    Task<Page<Webhook>> ListWebhooksAsync(PageRequest page, CancellationToken cancellationToken);

    Task<Webhook?> GetWebhookAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes a webhook; its pending deliveries are no longer sent. False if there was none.</summary>
    Task<bool> DeleteWebhookAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds a delivery of <paramref name="event"/> for one webhook (a test ping), due now.</summary>
    Task<WebhookDelivery> EnqueueDeliveryAsync(string webhookId, string @event, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A webhook's deliveries, newest first, each with its attempts.</summary>
    Task<Page<WebhookDelivery>> ListDeliveriesAsync(string webhookId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending deliveries that are due and not leased to another sender, until
    /// <paramref name="leaseUntil"/>, with their webhook's url and secret.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(string senderId, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken);

    /// <summary>
    /// Records an attempt and the delivery's next state (delivered, pending until <see cref="WebhookDelivery.NextAttemptAt"/>,
    /// or failed), stores the rendered body, and releases the claim; false if the claim was no longer this sender's.
    /// </summary>
    Task<bool> RecordAttemptAsync(WebhookDelivery next, DeliveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>Frees every claim at start-up where one process owns the store (its claims belong to a process that died).</summary>
    Task ReleaseClaimsAsync(CancellationToken cancellationToken);
}
