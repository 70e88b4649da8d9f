using System.Text.Json;
using System.Text.Json.Nodes;
using Intake.Core.Storage;
using Intake.Core.Webhooks;
using Intake.Server.Api.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Intake.Server.Webhooks;

/// <summary>
/// A delivery's body: <c>{id, event, created_at, data}</c>, where <c>data</c> is the import as <c>GET /v1/imports/{id}</c>
/// shows it without its errors (import events), the job as <c>GET /v1/jobs/{id}</c> shows it without its history
/// (<c>job.failed</c>), or null (a ping, or a resource purged meanwhile).
/// </summary>
internal sealed class WebhookPayloads(IJobStore jobs, IOptions<JsonOptions> json) : IWebhookPayloads
{
    public async Task<string> RenderAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var options = json.Value.SerializerOptions;
        JsonNode? data = null;
        if (delivery.Event == WebhookEvents.JobFailed && delivery.JobId is { } jobId)
        {
            data = await jobs.GetJobAsync(jobId, cancellationToken) is { } job ? JsonSerializer.SerializeToNode(JobDto.From(job), options) : null;
        }
        else if (delivery.ImportId is { } importId)
        {
            data = await jobs.GetImportAsync(importId, cancellationToken) is { } import ? JsonSerializer.SerializeToNode(ImportDto.From(import), options) : null;
        }

        var body = new JsonObject
        {
            ["id"] = delivery.Id,
            ["event"] = delivery.Event,
            ["created_at"] = JsonSerializer.SerializeToNode(delivery.CreatedAt, options),
            ["data"] = data,
        };
        return body.ToJsonString(options);
    }
}
