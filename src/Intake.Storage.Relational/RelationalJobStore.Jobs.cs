using System.Data.Common;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

public abstract partial class RelationalJobStore
{
    private const string FinalStatuses = "('completed', 'completed_with_errors', 'failed', 'canceled', 'planned')";

    public async Task<Job> EnqueueAsync(JobKind kind, string datasetId, string? importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at) VALUES (@id, @kind, 'queued', @dataset, CAST(@import AS TEXT), @order, @now);",
            cancellationToken,
            ("@id", id), ("@kind", kind.ToWire()), ("@dataset", datasetId), ("@import", importId),
            ("@order", await NextOrderSeqAsync(connection, cancellationToken)), ("@now", ToEpoch(now)));
        await AddHistoryAsync(connection, id, JobStatus.Queued, now, null, cancellationToken);
        await NotifyQueuedAsync(connection, cancellationToken);

        // Read before the commit: the job as queued, which a worker may claim the moment it is committed.
        var queued = (await ReadJobAsync(connection, id, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return queued;
    }

    /// <remarks>
    /// Claim order: fetches of files first (they only stage bytes, so they never wait on a dataset), then
    /// dataset jobs by acceptance order, each only when no earlier job of its dataset is unfinished. Where
    /// several nodes claim at once, the chosen row is locked and others pass over it (<see cref="SkipLockedRows"/>);
    /// the dataset's earlier job then still looks unfinished to them, so they never start its next job.
    /// </remarks>
    public async Task<Job?> ClaimNextAsync(string workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await BeforeClaimAsync(now, cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var id = await connection.ScalarAsync<string>(
            $"""
            SELECT j.id FROM jobs j
            WHERE j.status = 'queued'
              AND (j.kind = 'file_upload' OR NOT EXISTS (
                    SELECT 1 FROM jobs e
                    WHERE e.dataset_id = j.dataset_id AND e.status IN ('queued', 'processing') AND e.order_seq < j.order_seq))
            ORDER BY CASE WHEN j.kind = 'file_upload' THEN 0 ELSE 1 END, j.order_seq
            LIMIT 1 {SkipLockedRows};
            """,
            cancellationToken);
        if (id is null)
        {
            return null;
        }

        await connection.ExecuteAsync(
            """
            UPDATE jobs SET status = 'processing', claimed_by = @worker, lease_until = @lease, started_at = coalesce(started_at, @now), attempts = attempts + 1
            WHERE id = @id;
            """,
            cancellationToken, ("@id", id), ("@worker", workerId), ("@lease", ToEpoch(leaseUntil)), ("@now", ToEpoch(now)));
        await AddHistoryAsync(connection, id, JobStatus.Processing, now, $"claimed by {workerId}", cancellationToken, NodeOf(workerId));
        await SyncImportAsync(connection, id, JobStatus.Processing, new JobTransitionDetails(), now, cancellationToken);
        var claimed = (await ReadJobAsync(connection, id, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public async Task<LeaseStatus> RenewLeaseAsync(string jobId, string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE jobs SET lease_until = @lease WHERE id = @id AND claimed_by = @worker AND status = 'processing' RETURNING canceled_by;",
            ("@id", jobId), ("@worker", workerId), ("@lease", ToEpoch(leaseUntil)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return LeaseStatus.Lost;
        }

        return reader.IsDBNull(0) ? LeaseStatus.Held : LeaseStatus.CancelRequested;
    }

    public async Task<bool> TransitionAsync(string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = JobTransitions.AllowedFrom(next).Where(s => details.From is null || details.From.Contains(s)).ToList();
        if (from.Count == 0)
        {
            return false;
        }

        var allowed = string.Join(", ", from.Select(s => $"'{s.ToWire()}'"));
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var changed = await connection.ExecuteAsync(
            $"""
            UPDATE jobs SET
                status = @next,
                finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = CAST(@errorCode AS TEXT), error_message = CAST(@errorMessage AS TEXT),
                claimed_by = CASE WHEN @next = 'processing' THEN claimed_by ELSE NULL END,
                lease_until = CASE WHEN @next = 'processing' THEN lease_until ELSE NULL END,
                received = coalesce(CAST(@received AS BIGINT), received), loaded = coalesce(CAST(@loaded AS BIGINT), loaded),
                rejected = coalesce(CAST(@rejected AS BIGINT), rejected), deleted = coalesce(CAST(@deleted AS BIGINT), deleted)
            WHERE id = @id AND status IN ({allowed}) AND (CAST(@worker AS TEXT) IS NULL OR claimed_by = CAST(@worker AS TEXT));
            """,
            cancellationToken,
            ("@id", jobId), ("@next", next.ToWire()), ("@final", next.IsFinal()), ("@now", ToEpoch(now)),
            ("@errorCode", details.Error?.Code), ("@errorMessage", details.Error?.Message),
            ("@received", details.Stats?.Received), ("@loaded", details.Stats?.Loaded), ("@rejected", details.Stats?.Rejected),
            ("@deleted", details.Stats?.Deleted), ("@worker", details.WorkerId));
        if (changed == 0)
        {
            return false;
        }

        await AddHistoryAsync(connection, jobId, next, now, details.Reason ?? details.Error?.Message, cancellationToken,
            details.WorkerId is null ? null : NodeOf(details.WorkerId));
        await SyncImportAsync(connection, jobId, next, details, now, cancellationToken);

        // Checkpoint: the webhook deliveries this transition owes commit with it (the outbox), so a crash after the
        // commit still sends them, and one before it sends nothing about a change that did not happen.
        await AddWebhookDeliveriesAsync(connection, jobId, next, details, now, cancellationToken);
        if (next == JobStatus.Queued || next.IsFinal())
        {
            // A requeued job, or a finished one that may unblock its dataset's next job.
            await NotifyQueuedAsync(connection, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RequestCancelAsync(string jobId, string canceledBy, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var requested = await connection.ExecuteAsync(
            "UPDATE jobs SET canceled_by = coalesce(canceled_by, @by) WHERE id = @id AND status IN ('queued', 'processing');",
            cancellationToken, ("@id", jobId), ("@by", canceledBy)) == 1;
        if (requested)
        {
            await NotifyCancelAsync(connection, jobId, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return requested;
    }

    public async Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadJobAsync(connection, id, cancellationToken);
    }

    private static async Task<Job?> ReadJobAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {JobColumns} FROM jobs j WHERE j.id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadJob(reader) : null;
    }

    public async Task<Page<Job>> ListJobsAsync(JobFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {JobColumns} FROM jobs j
            WHERE j.seq < @cursor
              AND (CAST(@kind AS TEXT) IS NULL OR j.kind = CAST(@kind AS TEXT))
              AND (CAST(@status AS TEXT) IS NULL OR j.status = CAST(@status AS TEXT))
              AND (CAST(@dataset AS TEXT) IS NULL OR j.dataset_id = CAST(@dataset AS TEXT))
              AND (CAST(@import AS TEXT) IS NULL OR j.import_id = CAST(@import AS TEXT))
              AND (CAST(@from AS BIGINT) IS NULL OR j.queued_at >= CAST(@from AS BIGINT))
              AND (CAST(@to AS BIGINT) IS NULL OR j.queued_at < CAST(@to AS BIGINT))
              AND (CAST(@contains AS TEXT) IS NULL OR lower(j.dataset_id) LIKE CAST(@contains AS TEXT) ESCAPE '\'
                   OR EXISTS (SELECT 1 FROM datasets d WHERE d.id = j.dataset_id AND lower(d.name) LIKE CAST(@contains AS TEXT) ESCAPE '\'))
            ORDER BY j.seq DESC LIMIT @limit;
            """,
            ("@cursor", page.SequenceBefore()), ("@kind", filter.Kind?.ToWire()),
            ("@status", filter.Status?.ToWire()), ("@dataset", filter.DatasetId), ("@import", filter.ImportId),
            ("@from", filter.From is { } from ? ToEpoch(from) : null), ("@to", filter.To is { } to ? ToEpoch(to) : null),
            ("@contains", filter.DatasetContains is { Length: > 0 } text ? ContainsPattern(text) : null), ("@limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<(long Seq, Job Job)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add((reader.GetInt64(0), ReadJob(reader)));
        }

        var paged = Paged(items, page.Limit, j => j.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Page<Job>(paged.Items.Select(j => j.Job).ToList(), paged.NextCursor);
    }

    /// <summary>A LIKE pattern (escape character <c>\</c>) matching text that contains <paramref name="text"/>, lower-cased as the columns are.</summary>
    private static string ContainsPattern(string text) =>
        "%" + text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public async Task<IReadOnlyList<JobTransition>> GetHistoryAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT status, at, reason, node FROM job_history WHERE job_id = @id ORDER BY seq;", ("@id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var history = new List<JobTransition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new JobTransition(ParseStatus(reader.GetString(0)), FromEpoch(reader.GetInt64(1)), reader.NullableString(2), reader.NullableString(3)));
        }

        return history;
    }

    public async Task<int> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now == DateTimeOffset.MaxValue ? long.MaxValue : ToEpoch(now);
        var expired = new List<(string Id, bool DirectUpload, bool CancelAsked)>();
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var command = connection.Command(
            """
            SELECT j.id, CASE WHEN j.kind = 'file_upload' AND i.source_url IS NULL THEN 1 ELSE 0 END, CASE WHEN j.canceled_by IS NOT NULL THEN 1 ELSE 0 END
            FROM jobs j LEFT JOIN imports i ON i.id = j.import_id
            WHERE j.status = 'processing' AND j.lease_until < @now;
            """,
            ("@now", cutoff)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetString(0), reader.GetInt32(1) == 1, reader.GetInt32(2) == 1));
            }
        }

        var clock = now == DateTimeOffset.MaxValue ? time.GetUtcNow() : now;
        var recovered = 0;
        foreach (var (id, directUpload, cancelAsked) in expired)
        {
            var (next, details) = Recovery(directUpload, cancelAsked);
            if (await TransitionExpiredAsync(id, next, details, clock, cutoff, cancellationToken))
            {
                recovered++;
            }
        }

        return recovered;
    }

    private async Task<bool> TransitionExpiredAsync(string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset clock, long cutoff,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // Under the row lock: a renewal by a live owner, or another node's recovery, waits for this commit
        // and then finds the job no longer its own (or no longer expired).
        var stillExpired = await connection.ScalarAsync<string>(
            $"SELECT id FROM jobs WHERE id = @id AND status = 'processing' AND lease_until < @now {LockRow};", cancellationToken,
            ("@id", jobId), ("@now", cutoff));
        if (stillExpired is null)
        {
            return false;
        }

        await connection.ExecuteAsync(
            """
            UPDATE jobs SET status = @next, finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = CAST(@errorCode AS TEXT), error_message = CAST(@errorMessage AS TEXT), claimed_by = NULL, lease_until = NULL
            WHERE id = @id;
            """,
            cancellationToken, ("@id", jobId), ("@next", next.ToWire()), ("@final", next.IsFinal()), ("@now", ToEpoch(clock)),
            ("@errorCode", details.Error?.Code), ("@errorMessage", details.Error?.Message));
        await AddHistoryAsync(connection, jobId, next, clock, details.Reason ?? details.Error?.Message, cancellationToken);
        await SyncImportAsync(connection, jobId, next, details, clock, cancellationToken);
        await AddWebhookDeliveriesAsync(connection, jobId, next, details, clock, cancellationToken);
        await NotifyQueuedAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<string>> ReleaseStagedPayloadsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var payloads = new List<string>();
        // A plan and the import applying it share one staged file: it goes only when every import using it is
        // final and finished before the cutoff, so a plan stays appliable for the retention time after it finished
        // and an apply's load (or its redelivery) never finds its file gone.
        await using (var select = connection.Command(
            $"""
            SELECT payload_id FROM imports i
            WHERE payload_id IS NOT NULL AND finished_at < @cutoff AND status IN {FinalStatuses}
              AND NOT EXISTS (SELECT 1 FROM imports o WHERE o.payload_id = i.payload_id AND (o.status NOT IN {FinalStatuses} OR o.finished_at >= @cutoff))
            ORDER BY seq LIMIT @limit {SkipLockedRows};
            """,
            ("@cutoff", ToEpoch(finishedBefore)), ("@limit", limit)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!payloads.Contains(reader.GetString(0)))
                {
                    payloads.Add(reader.GetString(0));
                }
            }
        }

        await connection.ExecuteAsync($"UPDATE imports SET payload_id = NULL WHERE {InList("payload_id", "@ids")};", cancellationToken,
            ("@ids", ListValue(payloads)));
        await transaction.CommitAsync(cancellationToken);
        return payloads;
    }

    public async Task<IReadOnlyList<PurgedImport>> PurgeFinishedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var ids = new List<string>();
        var purged = new List<PurgedImport>();
        await using (var command = connection.Command(
            $"""
            SELECT j.id, j.dataset_id, j.import_id, j.kind FROM jobs j
            WHERE j.finished_at < @cutoff AND j.status IN {FinalStatuses}
            ORDER BY j.seq LIMIT @limit {SkipLockedRows};
            """,
            ("@cutoff", ToEpoch(finishedBefore)), ("@limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
                if (reader.GetString(3) == JobKind.DatasetLoad.ToWire() && !reader.IsDBNull(2))
                {
                    purged.Add(new PurgedImport(reader.GetString(1), reader.GetString(2)));
                }
            }
        }

        await connection.ExecuteAsync($"DELETE FROM job_history WHERE {InList("job_id", "@ids")};", cancellationToken, ("@ids", ListValue(ids)));
        await connection.ExecuteAsync($"DELETE FROM jobs WHERE {InList("id", "@ids")};", cancellationToken, ("@ids", ListValue(ids)));
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }

    private static async Task AddHistoryAsync(DbConnection connection, string jobId, JobStatus status, DateTimeOffset at, string? reason,
        CancellationToken cancellationToken, string? node = null) =>
        await connection.ExecuteAsync(
            "INSERT INTO job_history (job_id, status, at, reason, node) VALUES (@job, @status, @at, CAST(@reason AS TEXT), CAST(@node AS TEXT));",
            cancellationToken, ("@job", jobId), ("@status", status.ToWire()), ("@at", ToEpoch(at)), ("@reason", reason), ("@node", node));

    /// <summary>The node part of a worker id (<c>&lt;node&gt;/&lt;slot&gt;</c>, as <c>JobWorker</c> makes them).</summary>
    private static string NodeOf(string workerId) => workerId.LastIndexOf('/') is > 0 and var slash ? workerId[..slash] : workerId;

    /// <summary>Keeps the import's status in step with its current job; an upload's completion is handled where the load is queued.</summary>
    private static async Task SyncImportAsync(DbConnection connection, string jobId, JobStatus next, JobTransitionDetails details,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var progress = details.Progress;
        await connection.ExecuteAsync(
            """
            UPDATE imports SET
                status = @next,
                started_at = CASE WHEN @next = 'processing' THEN coalesce(started_at, @now) ELSE started_at END,
                finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = CAST(@errorCode AS TEXT), error_message = CAST(@errorMessage AS TEXT),
                resolved_record_type = coalesce(CAST(@resolved AS TEXT), resolved_record_type),
                bytes_read = coalesce(CAST(@bytes AS BIGINT), bytes_read), records_read = coalesce(CAST(@read AS BIGINT), records_read),
                records_written = coalesce(CAST(@written AS BIGINT), records_written), records_rejected = coalesce(CAST(@rejected AS BIGINT), records_rejected),
                records_deleted = coalesce(CAST(@deleted AS BIGINT), records_deleted),
                warnings = coalesce(CAST(@warnings AS TEXT), warnings)
            WHERE (load_job_id = @job) OR (upload_job_id = @job AND load_job_id IS NULL AND @next <> 'completed');
            """,
            cancellationToken,
            ("@job", jobId), ("@next", next.ToWire()), ("@final", next.IsFinal()), ("@now", ToEpoch(now)),
            ("@errorCode", details.Error?.Code), ("@errorMessage", details.Error?.Message), ("@resolved", details.ResolvedRecordType),
            ("@bytes", progress?.BytesRead), ("@read", progress?.RecordsRead), ("@written", progress?.RecordsWritten), ("@rejected", progress?.RecordsRejected),
            ("@deleted", progress?.RecordsDeleted), ("@warnings", SerializeWarnings(details.Warnings)));
        if (next == JobStatus.Completed)
        {
            // A completed delete_batch marks its import deleted in the same transaction; import rows outlive job rows.
            await connection.ExecuteAsync(
                """
                UPDATE imports SET deleted_at = @now
                WHERE deleted_at IS NULL AND id = (SELECT j.import_id FROM jobs j WHERE j.id = @job AND j.kind = 'delete_batch');
                """,
                cancellationToken, ("@job", jobId), ("@now", ToEpoch(now)));
        }
    }
}
