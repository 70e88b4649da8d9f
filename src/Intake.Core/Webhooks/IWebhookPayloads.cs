namespace Intake.Core.Webhooks;

/// <summary>
/// Renders a delivery's JSON body (<c>{id, event, created_at, data}</c>, with the import or job as the API shows
/// it): the API's shapes live with the host, so the host supplies this.
/// </summary>
public interface IWebhookPayloads
{
    Task<string> RenderAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
}
