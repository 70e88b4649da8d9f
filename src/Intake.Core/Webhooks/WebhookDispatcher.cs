using System.Globalization;
using System.Text;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Intake.Core.Webhooks;

/// <summary>
/// Sends the outbox: claims due deliveries with a lease (so across nodes one sender makes each attempt), POSTs each
/// signed body, and records the attempt with the next state: delivered on a 2xx, else retried with exponential
/// backoff and jitter until <see cref="WebhookOptions.RetryForMinutes"/> after the event, then failed.
/// Delivery is at least once: a sender that dies mid-attempt leaves its claim to lapse, and the attempt is made
/// again with the same delivery id. Host-agnostic; the server runs one loop per node.
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookStore store,
    IWebhookPayloads payloads,
    WebhookTargets targets,
    JobSignal signal,
    IntakeMetrics metrics,
    IOptions<WebhookOptions> options,
    IOptions<WorkerOptions> worker,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger)
{
    private static readonly TimeSpan s_errorBackoff = TimeSpan.FromSeconds(2);

    private string SenderId { get; } = worker.Value.Node;

    // An attempt ends within the timeout; the rest of the lease covers rendering and recording it, so a claim never
    // lapses while its sender is still at work, and a dead sender's claim is free again soon after.
    private TimeSpan Lease => TimeSpan.FromSeconds(2 * options.Value.TimeoutSeconds + 5);

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            IReadOnlyList<WebhookDelivery> due;
            try
            {
                var now = time.GetUtcNow();
                due = await store.ClaimDueDeliveriesAsync(SenderId, now, now + Lease, options.Value.Concurrency, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogClaimFailed(exception);
                await signal.PauseAsync(s_errorBackoff, time, stopping);
                continue;
            }

            if (due.Count == 0)
            {
                await signal.PauseAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), time, stopping);
                continue;
            }

            await Task.WhenAll(due.Select(delivery => SendAsync(delivery, stopping)));
        }
    }

    private async Task SendAsync(WebhookDelivery delivery, CancellationToken stopping)
    {
        try
        {
            var body = delivery.Body ?? await payloads.RenderAsync(delivery, stopping);
            var attempt = delivery.Attempts + 1;
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            var (code, error) = await PostAsync(delivery, body, attempt, startedAt, stopping);
            var duration = (int)time.GetElapsedTime(started).TotalMilliseconds;

            var now = time.GetUtcNow();
            var next = delivery with { Attempts = attempt, Body = body, LastStatusCode = code, LastError = error };
            string outcome;
            if (error is null)
            {
                (next, outcome) = (next with { Status = DeliveryStatus.Delivered, FinishedAt = now }, "delivered");
            }
            else if (now + Backoff(attempt) is var retryAt && retryAt <= delivery.CreatedAt.AddMinutes(options.Value.RetryForMinutes))
            {
                (next, outcome) = (next with { Status = DeliveryStatus.Pending, NextAttemptAt = retryAt }, "failed");
            }
            else
            {
                (next, outcome) = (next with { Status = DeliveryStatus.Failed, FinishedAt = now }, "gave_up");
            }

            // Checkpoint: the attempt was made. Recording it is a compare-and-set on this sender's claim; if this node
            // dies first, the claim lapses and the attempt is made again (at least once, same delivery id).
            if (!await store.RecordAttemptAsync(next, new DeliveryAttempt(attempt, startedAt, duration, code, error, SenderId), CancellationToken.None))
            {
                LogClaimLost(delivery.Id);
            }

            metrics.WebhookAttempt(outcome);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the claim lapses and the attempt is made again, here after a restart or by another node.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSendFailed(exception, delivery.Id);
        }
    }

    private async Task<(int? Code, string? Error)> PostAsync(WebhookDelivery delivery, string body, int attempt, DateTimeOffset at, CancellationToken stopping)
    {
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.IdHeader, delivery.Id);
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Event);
        request.Headers.Add(WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(delivery.Secret!, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Intake-Webhooks/1");
        try
        {
            using var response = await targets.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping);
            var code = (int)response.StatusCode;
            return (code, response.IsSuccessStatusCode ? null : $"The receiver answered {code} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException exception)
        {
            return (null, $"Sending failed: {exception.Message}");
        }
        catch (TaskCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (null, $"The receiver did not answer within {options.Value.TimeoutSeconds} s; cut off.");
        }
    }

    /// <summary>The delay before the next attempt: the base doubled per attempt made, capped, then between half and all of it.</summary>
    private TimeSpan Backoff(int attemptsMade)
    {
        var settings = options.Value;
        var full = Math.Min(settings.RetryMaxMilliseconds, settings.RetryBaseMilliseconds * Math.Pow(2, Math.Min(attemptsMade - 1, 30)));
        return TimeSpan.FromMilliseconds(full * (0.5 + Random.Shared.NextDouble() / 2));
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Claiming webhook deliveries failed; retrying")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} failed before its attempt was recorded; it will be retried")]
    private partial void LogSendFailed(Exception exception, string deliveryId);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} was claimed by another sender before its attempt was recorded")]
    private partial void LogClaimLost(string deliveryId);
}
