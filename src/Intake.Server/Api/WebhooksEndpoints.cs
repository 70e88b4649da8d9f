using Intake.Core.Security;
using Intake.Core.Storage;
using Intake.Core.Webhooks;
using Intake.Server.Api.Contracts;
using Intake.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

/// <summary>Webhooks (admin): subscriptions to import and job events, a test ping, and each webhook's deliveries with their attempts.</summary>
public static class WebhooksEndpoints
{
    public static IEndpointRouteBuilder MapWebhooksEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireScope(ApiKeyScopes.Admin).TakesQuery();
        api.MapPost("/", CreateWebhookAsync).WithName("CreateWebhook").WithSummary("Subscribe a URL to events; the signing secret is in this response only.");
        api.MapGet("/", ListWebhooksAsync).WithName("ListWebhooks").WithSummary("Every webhook, without secrets.").TakesQuery("limit", "cursor");
        api.MapGet("/{id}", GetWebhookAsync).WithName("GetWebhook").WithSummary("A webhook, without its secret.");
        api.MapDelete("/{id}", DeleteWebhookAsync).WithName("DeleteWebhook").WithSummary("Delete a webhook; its pending deliveries are not sent.");
        api.MapPost("/{id}/ping", PingWebhookAsync).WithName("PingWebhook").WithSummary("Queue a webhook.ping delivery to this webhook.");
        api.MapGet("/{id}/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries").WithSummary("The webhook's deliveries, newest first, with their attempts.")
            .TakesQuery("limit", "cursor");
        return app;
    }

    public static async Task<Created<CreatedWebhookDto>> CreateWebhookAsync(CreateWebhookRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var webhook = await webhooks.CreateAsync(request.Url, request.Events, request.Datasets, request.Secret, cancellationToken);
        return TypedResults.Created($"/v1/webhooks/{webhook.Id}", new CreatedWebhookDto(webhook.Id, webhook.Url, webhook.Events, webhook.Datasets, webhook.CreatedAt, webhook.Secret));
    }

    public static async Task<Ok<PageDto<WebhookDto>>> ListWebhooksAsync(WebhookService webhooks, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = await webhooks.ListAsync(new PageRequest(QueryValues.Limit(limit), cursor), cancellationToken);
        return TypedResults.Ok(new PageDto<WebhookDto>(page.Items.Select(WebhookDto.From).ToList(), page.NextCursor));
    }

    public static async Task<Ok<WebhookDto>> GetWebhookAsync(string id, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookDto.From(await webhooks.GetAsync(id, cancellationToken)));

    public static async Task<NoContent> DeleteWebhookAsync(string id, WebhookService webhooks, CancellationToken cancellationToken)
    {
        await webhooks.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Accepted<DeliveryDto>> PingWebhookAsync(string id, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var delivery = await webhooks.PingAsync(id, cancellationToken);
        return TypedResults.Accepted($"/v1/webhooks/{id}/deliveries", DeliveryDto.From(delivery));
    }

    public static async Task<Ok<PageDto<DeliveryDto>>> ListDeliveriesAsync(string id, WebhookService webhooks, CancellationToken cancellationToken,
        int? limit = null, string? cursor = null)
    {
        var page = await webhooks.DeliveriesAsync(id, new PageRequest(QueryValues.Limit(limit), cursor), cancellationToken);
        return TypedResults.Ok(new PageDto<DeliveryDto>(page.Items.Select(DeliveryDto.From).ToList(), page.NextCursor));
    }

    public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, IReadOnlyList<string>? Datasets, string? Secret);

    public sealed record CreatedWebhookDto(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? Datasets, DateTimeOffset CreatedAt, string Secret);

    public sealed record WebhookDto(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? Datasets, DateTimeOffset CreatedAt)
    {
        public static WebhookDto From(Webhook webhook) => new(webhook.Id, webhook.Url, webhook.Events, webhook.Datasets, webhook.CreatedAt);
    }

    public sealed record DeliveryDto(
        string Id, string Event, string Status, string? DatasetId, string? ImportId, string? JobId, DateTimeOffset CreatedAt, int Attempts,
        DateTimeOffset? NextAttemptAt, DateTimeOffset? FinishedAt, int? LastStatusCode, string? LastError, IReadOnlyList<AttemptDto> History)
    {
        public static DeliveryDto From(WebhookDelivery delivery) => new(
            delivery.Id, delivery.Event, delivery.Status.ToWire(), delivery.DatasetId, delivery.ImportId, delivery.JobId, delivery.CreatedAt, delivery.Attempts,
            delivery.Status == DeliveryStatus.Pending ? delivery.NextAttemptAt : null, delivery.FinishedAt, delivery.LastStatusCode, delivery.LastError,
            delivery.History.Select(a => new AttemptDto(a.Attempt, a.At, a.DurationMilliseconds, a.StatusCode, a.Error, a.SentBy)).ToList());
    }

    public sealed record AttemptDto(int Attempt, DateTimeOffset At, int DurationMs, int? StatusCode, string? Error, string SentBy);
}
