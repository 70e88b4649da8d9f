using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Core.Webhooks;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

/// <summary>Webhooks and their outbox, in the control plane's database so a delivery commits with the transition it reports.</summary>
public abstract partial class RelationalJobStore : IWebhookStore
{
    private const string DeliveryColumns =
        """
        d.id, d.webhook_id, d.event, d.dataset_id, d.import_id, d.job_id, d.created_at, d.status, d.attempts, d.next_attempt_at,
        d.finished_at, d.last_status_code, d.last_error, d.body
        """;

    public async Task CreateWebhookAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO webhooks (id, url, events, datasets, secret, created_at) VALUES (@id, @url, @events, CAST(@datasets AS TEXT), @secret, @created);",
            cancellationToken,
            ("@id", webhook.Id), ("@url", webhook.Url), ("@events", JsonSerializer.Serialize(webhook.Events)),
            ("@datasets", webhook.Datasets is null ? null : JsonSerializer.Serialize(webhook.Datasets)), ("@secret", webhook.Secret),
            ("@created", ToEpoch(webhook.CreatedAt)));
    }

    public async Task<Page<Webhook>> ListWebhooksAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var items = await ReadWebhooksAsync(connection,
            $"SELECT id, url, events, datasets, secret, created_at FROM webhooks WHERE deleted_at IS NULL AND id{Bytewise} > @after ORDER BY id{Bytewise} LIMIT @limit;",
            cancellationToken, ("@after", page.Cursor ?? ""), ("@limit", page.Limit + 1));
        return Paged(items, page.Limit, w => w.Id);
    }

    public async Task<Webhook?> GetWebhookAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var found = await ReadWebhooksAsync(connection,
            "SELECT id, url, events, datasets, secret, created_at FROM webhooks WHERE id = @id AND deleted_at IS NULL;", cancellationToken, ("@id", id));
        return found.SingleOrDefault();
    }

    public async Task<bool> DeleteWebhookAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("UPDATE webhooks SET deleted_at = @now WHERE id = @id AND deleted_at IS NULL;", cancellationToken,
            ("@id", id), ("@now", ToEpoch(now))) == 1;
    }

    public async Task<WebhookDelivery> EnqueueDeliveryAsync(string webhookId, string @event, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var id = await InsertDeliveryAsync(connection, webhookId, @event, null, null, null, now, cancellationToken);
        return (await connection.QueryAsync($"SELECT {DeliveryColumns} FROM webhook_deliveries d WHERE d.id = @id;", r => ReadDelivery(r, 0), cancellationToken,
            ("@id", id))).Single();
    }

    public async Task<Page<WebhookDelivery>> ListDeliveriesAsync(string webhookId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = new List<(long Seq, WebhookDelivery Delivery)>();
        await using (var command = connection.Command(
            $"SELECT d.seq, {DeliveryColumns} FROM webhook_deliveries d WHERE d.webhook_id = @webhook AND d.seq < @cursor ORDER BY d.seq DESC LIMIT @limit;",
            ("@webhook", webhookId), ("@cursor", page.SequenceBefore()), ("@limit", page.Limit + 1)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), ReadDelivery(reader, 1)));
            }
        }

        var paged = Paged(rows, page.Limit, r => r.Seq.ToString(CultureInfo.InvariantCulture));
        var attempts = await ReadAttemptsAsync(connection, paged.Items.Select(r => r.Delivery.Id).ToList(), cancellationToken);
        return new Page<WebhookDelivery>(
            paged.Items.Select(r => r.Delivery with { History = attempts.GetValueOrDefault(r.Delivery.Id) ?? [] }).ToList(), paged.NextCursor);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(string senderId, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var ids = new List<string>();
        await using (var command = connection.Command(
            $"""
            SELECT d.id FROM webhook_deliveries d
            WHERE d.status = 'pending' AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now)
              AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.deleted_at IS NULL)
            ORDER BY d.next_attempt_at LIMIT @limit {SkipLockedRows};
            """,
            ("@now", ToEpoch(now)), ("@limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        await connection.ExecuteAsync(
            $"UPDATE webhook_deliveries SET claimed_by = @sender, lease_until = @lease WHERE {InList("id", "@ids")};", cancellationToken,
            ("@sender", senderId), ("@lease", ToEpoch(leaseUntil)), ("@ids", ListValue(ids)));
        var claimed = new List<WebhookDelivery>();
        await using (var command = connection.Command(
            $"SELECT {DeliveryColumns}, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE {InList("d.id", "@ids")};",
            ("@ids", ListValue(ids))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(ReadDelivery(reader, 0) with { Url = reader.GetString(14), Secret = reader.GetString(15) });
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public async Task<bool> RecordAttemptAsync(WebhookDelivery next, DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var changed = await connection.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, finished_at = CAST(@finished AS BIGINT),
                body = coalesce(body, @body), last_status_code = CAST(@code AS INTEGER), last_error = CAST(@error AS TEXT), claimed_by = NULL, lease_until = NULL
            WHERE id = @id AND claimed_by = @sender AND attempts = @attempts - 1;
            """,
            cancellationToken,
            ("@id", next.Id), ("@status", next.Status.ToWire()), ("@attempts", next.Attempts), ("@next", ToEpoch(next.NextAttemptAt)),
            ("@finished", next.FinishedAt is { } finished ? ToEpoch(finished) : null), ("@body", next.Body), ("@code", next.LastStatusCode),
            ("@error", next.LastError), ("@sender", attempt.SentBy));
        if (changed == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, status_code, error, sent_by)
            VALUES (@id, @attempt, @at, @duration, CAST(@code AS INTEGER), CAST(@error AS TEXT), @sender);
            """,
            cancellationToken,
            ("@id", next.Id), ("@attempt", attempt.Attempt), ("@at", ToEpoch(attempt.At)), ("@duration", attempt.DurationMilliseconds),
            ("@code", attempt.StatusCode), ("@error", attempt.Error), ("@sender", attempt.SentBy));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task ReleaseClaimsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE webhook_deliveries SET claimed_by = NULL, lease_until = NULL WHERE claimed_by IS NOT NULL;", cancellationToken);
    }

    /// <summary>
    /// The outbox: inside the transaction of a job's final transition, a delivery for every webhook that subscribes to
    /// what it means — <c>job.failed</c> for a failed job, <c>import.{status}</c> when the job ended its import, and
    /// <c>import.quality_warning</c> when that load also crossed one of its dataset's quality thresholds.
    /// </summary>
    private async Task AddWebhookDeliveriesAsync(DbConnection connection, string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (!next.IsFinal())
        {
            return;
        }

        var webhooks = await ReadWebhooksAsync(connection, "SELECT id, url, events, datasets, secret, created_at FROM webhooks WHERE deleted_at IS NULL;",
            cancellationToken);
        if (webhooks.Count == 0)
        {
            return;
        }

        var job = (await ReadJobAsync(connection, jobId, cancellationToken))!;
        var endedImport = await connection.ScalarAsync<string>(
            "SELECT id FROM imports WHERE (load_job_id = @job) OR (upload_job_id = @job AND load_job_id IS NULL AND @next <> 'completed');",
            cancellationToken, ("@job", jobId), ("@next", next.ToWire()));
        var events = new List<string>();
        if (endedImport is not null)
        {
            events.Add(WebhookEvents.ForImport(next));
            if (details.Warnings?.Any(warning => warning.Code == ImportWarning.QualityThresholdCrossed) == true)
            {
                events.Add(WebhookEvents.ImportQualityWarning);
            }
        }

        if (next == JobStatus.Failed)
        {
            events.Add(WebhookEvents.JobFailed);
        }

        foreach (var @event in events)
        {
            foreach (var webhook in webhooks.Where(w => w.Matches(@event, job.DatasetId)))
            {
                await InsertDeliveryAsync(connection, webhook.Id, @event, job.DatasetId, job.ImportId, jobId, now, cancellationToken);
            }
        }
    }

    private static async Task<string> InsertDeliveryAsync(DbConnection connection, string webhookId, string @event, string? datasetId, string? importId,
        string? jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (id, webhook_id, event, dataset_id, import_id, job_id, created_at, status, attempts, next_attempt_at)
            VALUES (@id, @webhook, @event, CAST(@dataset AS TEXT), CAST(@import AS TEXT), CAST(@job AS TEXT), @now, 'pending', 0, @now);
            """,
            cancellationToken,
            ("@id", id), ("@webhook", webhookId), ("@event", @event), ("@dataset", datasetId), ("@import", importId), ("@job", jobId), ("@now", ToEpoch(now)));
        return id;
    }

    private static Task<List<Webhook>> ReadWebhooksAsync(DbConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        connection.QueryAsync(sql, reader => new Webhook(reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize<List<string>>(reader.GetString(2))!,
            reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<List<string>>(reader.GetString(3)), reader.GetString(4), FromEpoch(reader.GetInt64(5))),
            cancellationToken, parameters);

    private static WebhookDelivery ReadDelivery(DbDataReader reader, int first) => new()
    {
        Id = reader.GetString(first),
        WebhookId = reader.GetString(first + 1),
        Event = reader.GetString(first + 2),
        DatasetId = reader.NullableString(first + 3),
        ImportId = reader.NullableString(first + 4),
        JobId = reader.NullableString(first + 5),
        CreatedAt = FromEpoch(reader.GetInt64(first + 6)),
        Status = DeliveryStatusNames.Parse(reader.GetString(first + 7)),
        Attempts = reader.GetInt32(first + 8),
        NextAttemptAt = FromEpoch(reader.GetInt64(first + 9)),
        FinishedAt = FromEpoch(reader.GetValue(first + 10)),
        LastStatusCode = reader.IsDBNull(first + 11) ? null : reader.GetInt32(first + 11),
        LastError = reader.NullableString(first + 12),
        Body = reader.NullableString(first + 13),
    };

    private async Task<Dictionary<string, List<DeliveryAttempt>>> ReadAttemptsAsync(DbConnection connection, IReadOnlyList<string> deliveryIds,
        CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<string, List<DeliveryAttempt>>(StringComparer.Ordinal);
        await using var command = connection.Command(
            $"SELECT delivery_id, attempt, at, duration_ms, status_code, error, sent_by FROM webhook_attempts WHERE {InList("delivery_id", "@ids")} ORDER BY attempt;",
            ("@ids", ListValue(deliveryIds)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (!attempts.TryGetValue(id, out var list))
            {
                attempts[id] = list = [];
            }

            list.Add(new DeliveryAttempt(reader.GetInt32(1), FromEpoch(reader.GetInt64(2)), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.NullableString(5), reader.GetString(6)));
        }

        return attempts;
    }
}
