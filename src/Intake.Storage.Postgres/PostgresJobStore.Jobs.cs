using Intake.Core.Jobs;
using Intake.Core.Storage;
using Npgsql;
using static Intake.Storage.Postgres.PostgresSql;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Postgres;

public sealed partial class PostgresJobStore
{
    private const string FinalStatuses = "('completed', 'completed_with_errors', 'failed', 'canceled')";

    // Looking for expired leases on every claim would cost a query per poll of every worker; once a second
    // per process is enough, since a lease lasts many seconds.
    private static readonly TimeSpan s_recoveryInterval = TimeSpan.FromSeconds(1);
    private long _nextRecoveryTicks;

    public async Task<Job> EnqueueAsync(JobKind kind, string datasetId, string? importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        await using (var connection = await dataSource.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at) VALUES (@id, @kind, 'queued', @dataset, @import::text, @order, @now);",
                cancellationToken,
                ("id", id), ("kind", kind.ToWire()), ("dataset", datasetId), ("import", importId),
                ("order", await NextOrderSeqAsync(connection, cancellationToken)), ("now", ToEpoch(now)));
            await AddHistoryAsync(connection, id, JobStatus.Queued, now, null, cancellationToken);
            await NotifyQueuedAsync(connection, cancellationToken);

            // Read before the commit: the job as queued, which a worker may claim the moment it is committed.
            var queued = (await ReadJobAsync(connection, id, cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            return queued;
        }
    }

    /// <remarks>
    /// Claim order: fetches of files first (they only stage bytes, so they never wait on a dataset), then
    /// dataset jobs by acceptance order, each only when no earlier job of its dataset is unfinished. The row
    /// is locked with <c>SKIP LOCKED</c>: a node claiming at the same moment passes over it to the next, and
    /// since the dataset's earlier job still looks unfinished to it, it never starts the dataset's next job.
    /// </remarks>
    public async Task<Job?> ClaimNextAsync(string workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await RecoverExpiredEverySecondAsync(now, cancellationToken);
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ScalarAsync<string>(
            """
            SELECT j.id FROM jobs j
            WHERE j.status = 'queued'
              AND (j.kind = 'file_upload' OR NOT EXISTS (
                    SELECT 1 FROM jobs e
                    WHERE e.dataset_id = j.dataset_id AND e.status IN ('queued', 'processing') AND e.order_seq < j.order_seq))
            ORDER BY CASE WHEN j.kind = 'file_upload' THEN 0 ELSE 1 END, j.order_seq
            LIMIT 1
            FOR UPDATE OF j SKIP LOCKED;
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
            cancellationToken, ("id", id), ("worker", workerId), ("lease", ToEpoch(leaseUntil)), ("now", ToEpoch(now)));
        await AddHistoryAsync(connection, id, JobStatus.Processing, now, $"claimed by {workerId}", cancellationToken);
        await SyncImportAsync(connection, id, JobStatus.Processing, new JobTransitionDetails(), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await GetJobAsync(id, cancellationToken);
    }

    public async Task<LeaseStatus> RenewLeaseAsync(string jobId, string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE jobs SET lease_until = @lease WHERE id = @id AND claimed_by = @worker AND status = 'processing' RETURNING canceled_by;",
            ("id", jobId), ("worker", workerId), ("lease", ToEpoch(leaseUntil)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return LeaseStatus.Lost;
        }

        return reader.IsDBNull(0) ? LeaseStatus.Held : LeaseStatus.CancelRequested;
    }

    public async Task<bool> TransitionAsync(string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = JobTransitions.AllowedFrom(next).Where(s => details.From is null || details.From.Contains(s)).Select(s => s.ToWire()).ToArray();
        if (from.Length == 0)
        {
            return false;
        }

        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(
            """
            UPDATE jobs SET
                status = @next,
                finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = @errorCode::text, error_message = @errorMessage::text,
                claimed_by = CASE WHEN @next = 'processing' THEN claimed_by ELSE NULL END,
                lease_until = CASE WHEN @next = 'processing' THEN lease_until ELSE NULL END,
                received = coalesce(@received::bigint, received), loaded = coalesce(@loaded::bigint, loaded), rejected = coalesce(@rejected::bigint, rejected)
            WHERE id = @id AND status = ANY (@from) AND (@worker::text IS NULL OR claimed_by = @worker::text);
            """,
            cancellationToken,
            ("id", jobId), ("next", next.ToWire()), ("final", next.IsFinal()), ("now", ToEpoch(now)), ("from", from),
            ("errorCode", details.Error?.Code), ("errorMessage", details.Error?.Message),
            ("received", details.Stats?.Received), ("loaded", details.Stats?.Loaded), ("rejected", details.Stats?.Rejected),
            ("worker", details.WorkerId));
        if (changed == 0)
        {
            return false;
        }

        await AddHistoryAsync(connection, jobId, next, now, details.Reason ?? details.Error?.Message, cancellationToken);
        await SyncImportAsync(connection, jobId, next, details, now, cancellationToken);
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
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var requested = await connection.ExecuteAsync(
            "UPDATE jobs SET canceled_by = coalesce(canceled_by, @by) WHERE id = @id AND status IN ('queued', 'processing');",
            cancellationToken, ("id", jobId), ("by", canceledBy)) == 1;
        if (requested)
        {
            await connection.ExecuteAsync($"SELECT pg_notify('{CancelChannel}', @id);", cancellationToken, ("id", jobId));
        }

        await transaction.CommitAsync(cancellationToken);
        return requested;
    }

    public async Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        return await ReadJobAsync(connection, id, cancellationToken);
    }

    private static async Task<Job?> ReadJobAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {JobColumns} FROM jobs j WHERE j.id = @id;", ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadJob(reader) : null;
    }

    public async Task<Page<Job>> ListJobsAsync(JobFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {JobColumns} FROM jobs j
            WHERE j.seq < @cursor
              AND (@kind::text IS NULL OR j.kind = @kind::text)
              AND (@status::text IS NULL OR j.status = @status::text)
              AND (@dataset::text IS NULL OR j.dataset_id = @dataset::text)
              AND (@import::text IS NULL OR j.import_id = @import::text)
              AND (@from::bigint IS NULL OR j.queued_at >= @from::bigint)
              AND (@to::bigint IS NULL OR j.queued_at < @to::bigint)
            ORDER BY j.seq DESC LIMIT @limit;
            """,
            ("cursor", long.TryParse(page.Cursor, out var cursor) ? cursor : long.MaxValue), ("kind", filter.Kind?.ToWire()),
            ("status", filter.Status?.ToWire()), ("dataset", filter.DatasetId), ("import", filter.ImportId),
            ("from", filter.From is { } from ? ToEpoch(from) : null), ("to", filter.To is { } to ? ToEpoch(to) : null),
            ("limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<(long Seq, Job Job)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add((reader.GetInt64(0), ReadJob(reader)));
        }

        var paged = Paged(items, page.Limit, j => j.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Page<Job>(paged.Items.Select(j => j.Job).ToList(), paged.NextCursor);
    }

    public async Task<IReadOnlyList<JobTransition>> GetHistoryAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT status, at, reason FROM job_history WHERE job_id = @id ORDER BY seq;", ("id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var history = new List<JobTransition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new JobTransition(ParseStatus(reader.GetString(0)), FromEpoch(reader.GetInt64(1)), reader.NullableString(2)));
        }

        return history;
    }

    public async Task<int> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        var expired = new List<(string Id, bool DirectUpload, bool CancelAsked)>();
        await using (var command = connection.Command(
            """
            SELECT j.id, j.kind = 'file_upload' AND i.source_url IS NULL, j.canceled_by IS NOT NULL
            FROM jobs j LEFT JOIN imports i ON i.id = j.import_id
            WHERE j.status = 'processing' AND j.lease_until < @now;
            """,
            ("now", now == DateTimeOffset.MaxValue ? long.MaxValue : ToEpoch(now))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetString(0), !reader.IsDBNull(1) && reader.GetBoolean(1), reader.GetBoolean(2)));
            }
        }

        var clock = now == DateTimeOffset.MaxValue ? time.GetUtcNow() : now;
        var recovered = 0;
        foreach (var (id, directUpload, cancelAsked) in expired)
        {
            var (next, details) = Recovery(directUpload, cancelAsked);

            if (await TransitionExpiredAsync(id, next, details, clock, now, cancellationToken))
            {
                recovered++;
            }
        }

        return recovered;
    }

    private async Task<bool> TransitionExpiredAsync(string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset clock, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stillExpired = await connection.ScalarAsync<string>(
            "SELECT id FROM jobs WHERE id = @id AND status = 'processing' AND lease_until < @now FOR UPDATE;", cancellationToken,
            ("id", jobId), ("now", now == DateTimeOffset.MaxValue ? long.MaxValue : ToEpoch(now)));
        if (stillExpired is null)
        {
            return false;
        }

        // Under the row lock: a renewal by a live owner, or another node's recovery, waits for this commit
        // and then finds the job no longer its own (or no longer expired).
        await connection.ExecuteAsync(
            """
            UPDATE jobs SET status = @next, finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = @errorCode::text, error_message = @errorMessage::text, claimed_by = NULL, lease_until = NULL
            WHERE id = @id;
            """,
            cancellationToken, ("id", jobId), ("next", next.ToWire()), ("final", next.IsFinal()), ("now", ToEpoch(clock)),
            ("errorCode", details.Error?.Code), ("errorMessage", details.Error?.Message));
        await AddHistoryAsync(connection, jobId, next, clock, details.Reason ?? details.Error?.Message, cancellationToken);
        await SyncImportAsync(connection, jobId, next, details, clock, cancellationToken);
        await NotifyQueuedAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task RecoverExpiredEverySecondAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextRecoveryTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextRecoveryTicks, now.UtcTicks + s_recoveryInterval.Ticks, due) != due)
        {
            return;
        }

        await RecoverExpiredAsync(now, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ReleaseStagedPayloadsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payloads = new List<string>();
        await using (var select = connection.Command(
            $"""
            SELECT payload_id FROM imports
            WHERE payload_id IS NOT NULL AND finished_at < @cutoff AND status IN {FinalStatuses}
            ORDER BY seq LIMIT @limit FOR UPDATE SKIP LOCKED;
            """,
            ("cutoff", ToEpoch(finishedBefore)), ("limit", limit)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                payloads.Add(reader.GetString(0));
            }
        }

        await connection.ExecuteAsync("UPDATE imports SET payload_id = NULL WHERE payload_id = ANY (@ids);", cancellationToken, ("ids", payloads.ToArray()));
        await transaction.CommitAsync(cancellationToken);
        return payloads;
    }

    public async Task<IReadOnlyList<PurgedImport>> PurgeFinishedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<string>();
        var purged = new List<PurgedImport>();
        await using (var command = connection.Command(
            $"""
            SELECT j.id, j.dataset_id, j.import_id, j.kind FROM jobs j
            WHERE j.finished_at < @cutoff AND j.status IN {FinalStatuses}
            ORDER BY j.seq LIMIT @limit FOR UPDATE SKIP LOCKED;
            """,
            ("cutoff", ToEpoch(finishedBefore)), ("limit", limit)))
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

        await connection.ExecuteAsync(
            """
            DELETE FROM job_history WHERE job_id = ANY (@ids);
            DELETE FROM jobs WHERE id = ANY (@ids);
            """,
            cancellationToken, ("ids", ids.ToArray()));
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }

    private static async Task AddHistoryAsync(NpgsqlConnection connection, string jobId, JobStatus status, DateTimeOffset at, string? reason,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync("INSERT INTO job_history (job_id, status, at, reason) VALUES (@job, @status, @at, @reason::text);",
            cancellationToken, ("job", jobId), ("status", status.ToWire()), ("at", ToEpoch(at)), ("reason", reason));

    /// <summary>Keeps the import's status in step with its current job; an upload's completion is handled where the load is queued.</summary>
    private static async Task SyncImportAsync(NpgsqlConnection connection, string jobId, JobStatus next, JobTransitionDetails details,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var progress = details.Progress;
        await connection.ExecuteAsync(
            """
            UPDATE imports SET
                status = @next,
                started_at = CASE WHEN @next = 'processing' THEN coalesce(started_at, @now) ELSE started_at END,
                finished_at = CASE WHEN @final THEN @now ELSE NULL END,
                error_code = @errorCode::text, error_message = @errorMessage::text,
                resolved_record_type = coalesce(@resolved::text, resolved_record_type),
                bytes_read = coalesce(@bytes::bigint, bytes_read), records_read = coalesce(@read::bigint, records_read),
                records_written = coalesce(@written::bigint, records_written), records_rejected = coalesce(@rejected::bigint, records_rejected)
            WHERE (load_job_id = @job) OR (upload_job_id = @job AND load_job_id IS NULL AND @next <> 'completed');
            """,
            cancellationToken,
            ("job", jobId), ("next", next.ToWire()), ("final", next.IsFinal()), ("now", ToEpoch(now)),
            ("errorCode", details.Error?.Code), ("errorMessage", details.Error?.Message), ("resolved", details.ResolvedRecordType),
            ("bytes", progress?.BytesRead), ("read", progress?.RecordsRead), ("written", progress?.RecordsWritten), ("rejected", progress?.RecordsRejected));
    }
}
