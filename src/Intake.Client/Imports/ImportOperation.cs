using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Intake.Client;

/// <summary>
/// A running import (a long-running operation): follow it to its end, read its status, or cancel it. Follows the
/// server's live progress stream (<c>GET /v1/imports/{id}/events</c>, resuming with <c>Last-Event-ID</c> after a
/// dropped connection) and polls <c>GET /v1/imports/{id}</c> every 500 ms on a server without that stream.
/// Only the caller's token ends a wait early; there is no built-in time limit. Not thread-safe.
/// </summary>
public class ImportOperation
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_defaultRetry = TimeSpan.FromSeconds(1);
    private const int MaxConsecutiveFailures = 10;

    private readonly IntakeClient? _client;
    private Import? _last;

    /// <summary>For mocking.</summary>
    protected ImportOperation()
    {
        Id = "";
    }

    /// <summary>Resumes an import started elsewhere (by another process, say) by its id.</summary>
    public ImportOperation(IntakeClient client, string id)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(id);
        _client = client;
        Id = id;
    }

    internal ImportOperation(IntakeClient client, Import import)
        : this(client, import.Id)
    {
        _last = import;
    }

    /// <summary>The import's id.</summary>
    public virtual string Id { get; }

    /// <summary>The import as last seen (when started, or at the last update); null before the first update of a resumed one.</summary>
    public virtual Import? Value => _last;

    /// <summary>How many events of the live progress stream this operation has read (0 when it polled).</summary>
    internal int LiveEventsRead { get; private set; }

    /// <summary>Whether the import has reached a final status, as last seen.</summary>
    public virtual bool HasCompleted => _last?.Status.IsFinal == true;

    /// <summary>Fetches the import once and returns its status.</summary>
    public virtual async Task<ImportStatus> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        _last = await _client!.Imports.GetAsync(Id, cancellationToken).ConfigureAwait(false);
        return _last.Status;
    }

    /// <summary>Cancels the import; nothing it would have written stays. A finished import throws with <c>illegal_transition</c>.</summary>
    public virtual async Task CancelAsync(CancellationToken cancellationToken = default) =>
        _last = await _client!.Imports.CancelAsync(Id, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Waits for the import's final status, reporting each snapshot on the way. Returns for <c>completed</c> and
    /// <c>completed_with_errors</c> (the result carries the first 100 errors); throws
    /// <see cref="ImportFailedException"/> for <c>failed</c> and <c>canceled</c>. Canceling the token stops the
    /// wait, not the import.
    /// </summary>
    public virtual async Task<ImportResult> WaitForCompletionAsync(IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await foreach (var snapshot in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(snapshot);
        }

        // The live stream leaves the error list out; the final import carries the first errors.
        var final = await _client!.Imports.GetAsync(Id, cancellationToken).ConfigureAwait(false);
        _last = final;
        return final.Status == ImportStatus.Completed || final.Status == ImportStatus.CompletedWithErrors || final.Status == ImportStatus.Planned
            ? new ImportResult(final)
            : throw new ImportFailedException(final);
    }

    /// <summary>
    /// Snapshots of the import until its final status (the last one yielded), from the live progress stream
    /// where the server has it, else by polling. A connection that drops is resumed; ten failures in a row throw.
    /// </summary>
    public virtual async IAsyncEnumerable<ImportProgress> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (HasCompleted)
        {
            yield return new ImportProgress(_last!, null, null, null);
            yield break;
        }

        string? lastEventId = null;
        var retry = s_defaultRetry;
        var failures = 0;
        while (true)
        {
            var stream = await OpenEventsAsync(lastEventId, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                await foreach (var polled in PollAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return polled;
                }

                yield break;
            }

            var parser = SseParser.Create(stream);
            var enumerator = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    ImportProgress? snapshot = null;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        var item = enumerator.Current;
                        LiveEventsRead++;
                        failures = 0;
                        snapshot = Parse(item.Data);
                    }
                    catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        // The connection dropped mid-stream: resume from the last event below.
                        break;
                    }
                    finally
                    {
                        if (parser.LastEventId is { Length: > 0 } id)
                        {
                            lastEventId = id;
                        }

                        retry = parser.ReconnectionInterval > TimeSpan.Zero ? parser.ReconnectionInterval : retry;
                    }

                    if (snapshot is not null)
                    {
                        _last = snapshot.Import;
                        yield return snapshot;
                        if (snapshot.Status.IsFinal)
                        {
                            yield break;
                        }
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            if (++failures > MaxConsecutiveFailures)
            {
                throw new IntakeRequestException(0, IntakeErrorCode.ConnectionFailed,
                    $"The progress stream of import {Id} ended {MaxConsecutiveFailures} times in a row before the import finished.");
            }

            await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Stream?> OpenEventsAsync(string? lastEventId, CancellationToken cancellationToken)
    {
        var connection = _client!.Connection;
        var failures = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, connection.Resolve($"/v1/imports/{Query.Escape(Id)}/events"));
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            try
            {
                return await connection.OpenStreamAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (IntakeRequestException exception) when (exception.Status == (int)HttpStatusCode.NotFound && exception.Code != IntakeErrorCode.ImportNotFound)
            {
                // A server without the live stream: poll instead.
                return null;
            }
            catch (IntakeRequestException exception) when (IsTransient(exception) && ++failures <= MaxConsecutiveFailures)
            {
                await Task.Delay(exception.RetryAfter ?? s_defaultRetry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<ImportProgress> PollAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            Import import;
            try
            {
                import = await _client!.Imports.GetAsync(Id, cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (IntakeRequestException exception) when (IsTransient(exception) && ++failures <= MaxConsecutiveFailures)
            {
                await Task.Delay(exception.RetryAfter ?? s_pollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _last = import;
            yield return new ImportProgress(import, null, null, null);
            if (import.Status.IsFinal)
            {
                yield break;
            }

            await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(IntakeRequestException exception) =>
        exception.Code == IntakeErrorCode.ConnectionFailed || exception.Status is 429 or 502 or 503 or 504;

    private static ImportProgress? Parse(string data)
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            return null;
        }

        var import = JsonSerializer.Deserialize<Import>(data, IntakeConnection.Json);
        if (import is null)
        {
            return null;
        }

        double? recordsPerSecond = null, bytesPerSecond = null;
        TimeSpan? eta = null;
        if (import.Extra is { } extra)
        {
            if (extra.Remove("rate", out var rate) && rate.ValueKind == JsonValueKind.Object)
            {
                recordsPerSecond = Number(rate, "records_per_second");
                bytesPerSecond = Number(rate, "bytes_per_second");
            }

            if (extra.Remove("eta_seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number)
            {
                eta = TimeSpan.FromSeconds(seconds.GetDouble());
            }
        }

        return new ImportProgress(import, recordsPerSecond, bytesPerSecond, eta);
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
