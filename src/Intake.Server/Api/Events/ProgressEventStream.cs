using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Intake.Core.Jobs;

namespace Intake.Server.Api.Events;

/// <summary>
/// One live-progress response as Server-Sent Events (the contract in docs/operations.md): <c>retry</c>, then a
/// <c>snapshot</c>, a <c>status</c> on every status change, a <c>progress</c> at most every 500 ms while something
/// moves, and a <c>final</c> event, after which the response ends. Event ids continue from <c>Last-Event-ID</c>;
/// a resumed stream of a finished resource gets only its <c>final</c> event.
/// </summary>
public sealed class ProgressEventStream(
    ProgressFeeds feeds,
    Func<CancellationToken, Task<ProgressView?>> read,
    ProgressView first,
    long? lastEventId) : IResult
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(500);

    private long _nextId = (lastEventId ?? 0) + 1;
    private long _lastWrite;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancellationToken = httpContext.RequestAborted;
        try
        {
            await StreamAsync(response, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task StreamAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        var time = feeds.Time;
        var rate = new ProgressRate(time);
        await WriteAsync(response, "retry: 1000\n\n", cancellationToken);
        var shown = first;
        if (lastEventId is null || !shown.Status.IsFinal())
        {
            await SendAsync(response, "snapshot", shown, rate, cancellationToken);
        }

        var progressSentAt = time.GetTimestamp();
        while (!shown.Status.IsFinal())
        {
            await feeds.WaitAsync(cancellationToken);
            var current = await read(cancellationToken);
            if (current is null)
            {
                return; // deleted meanwhile (a dataset delete removes its imports)
            }

            if (current.Status != shown.Status)
            {
                shown = current;
                await SendAsync(response, "status", shown, rate, cancellationToken);
            }
            else if (current.Status == JobStatus.Processing && current.Progress is not null && current.Progress != shown.Progress &&
                     time.GetElapsedTime(progressSentAt) >= s_progressInterval)
            {
                shown = current;
                progressSentAt = time.GetTimestamp();
                await SendAsync(response, "progress", shown, rate, cancellationToken);
            }
            else
            {
                if (current.Status == JobStatus.Processing && current.Progress is not null)
                {
                    rate.Sample(current.Progress); // keeps the rate's window current between progress events
                }

                if (time.GetElapsedTime(_lastWrite) >= TimeSpan.FromSeconds(feeds.Options.KeepAliveSeconds))
                {
                    await WriteAsync(response, ": keep-alive\n\n", cancellationToken);
                }
            }
        }

        await SendAsync(response, "final", shown, rate, cancellationToken);
    }

    private async Task SendAsync(HttpResponse response, string type, ProgressView view, ProgressRate rate, CancellationToken cancellationToken)
    {
        var (rateNow, eta) = view.Status == JobStatus.Processing && view.Progress is not null ? rate.Sample(view.Progress) : (null, null);
        if (view.Status != JobStatus.Processing)
        {
            rate.Reset();
        }

        var data = (JsonObject)view.Data.DeepClone();
        data["rate"] = rateNow is null ? null : JsonSerializer.SerializeToNode(rateNow, feeds.Json);
        data["eta_seconds"] = eta;
        var text = new StringBuilder()
            .Append("id: ").Append(_nextId++.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(type).Append('\n')
            .Append("data: ").Append(data.ToJsonString(feeds.Json)).Append("\n\n");
        await WriteAsync(response, text.ToString(), cancellationToken);
    }

    private async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        _lastWrite = feeds.Time.GetTimestamp();
    }

    /// <summary>The <c>Last-Event-ID</c> a reconnecting client sends; anything but a positive integer counts as none.</summary>
    public static long? LastEventId(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
