using Intake.Core.Jobs;
using Intake.Core.Storage;
using Microsoft.Data.Sqlite;
using static Intake.Storage.Sqlite.SqliteSql;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    public async Task<Job> EnqueueAsync(JobKind kind, string datasetId, string? importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        await using (var connection = await dataSource.OpenControlAsync(cancellationToken))
        await using (var scope = await connection.BeginWriteAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at) VALUES (@id, @kind, 'queued', @dataset, @import, @order, @now);",
                cancellationToken,
                ("@id", id), ("@kind", kind.ToWire()), ("@dataset", datasetId), ("@import", importId),
                ("@order", await NextOrderSeqAsync(connection, cancellationToken)), ("@now", ToEpoch(now)));
            await AddHistoryAsync(connection, id, JobStatus.Queued, now, null, cancellationToken);

            // Read before the commit: the job as queued, which a worker may claim the moment it is committed.
            var queued = (await ReadJobAsync(connection, id, cancellationToken))!;
            await scope.CommitAsync(cancellationToken);
            return queued;
        }
    }

    /// <remarks>
    /// Claim order: fetches of files first (they only stage bytes, so they never wait on a dataset), then
    /// dataset jobs by acceptance order, each only when no earlier job of its dataset is unfinished. SQLite's
    /// single writer serializes claims, so the select-then-update below cannot hand one job to two workers.
    /// </remarks>
    public async Task<Job?> ClaimNextAsync(string workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var id = await connection.ScalarAsync<string>(
            """
            SELECT j.id FROM jobs j
            WHERE j.status = 'queued'
              AND (j.kind = 'file_upload' OR NOT EXISTS (
                    SELECT 1 FROM jobs e
                    WHERE e.dataset_id = j.dataset_id AND e.status IN ('queued', 'processing') AND e.order_seq < j.order_seq))
            ORDER BY CASE WHEN j.kind = 'file_upload' THEN 0 ELSE 1 END, j.order_seq
            LIMIT 1;
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
        await AddHistoryAsync(connection, id, JobStatus.Processing, now, $"claimed by {workerId}", cancellationToken);
        await SyncImportAsync(connection, id, JobStatus.Processing, new JobTransitionDetails(), now, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return await GetJobAsync(id, cancellationToken);
    }

    public async Task<LeaseStatus> RenewLeaseAsync(string jobId, string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
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
        var final = next.IsFinal();
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(
            $"""
            UPDATE jobs SET
                status = @next,
                finished_at = CASE WHEN @final = 1 THEN @now ELSE NULL END,
                error_code = @errorCode, error_message = @errorMessage,
                claimed_by = CASE WHEN @next = 'processing' THEN claimed_by ELSE NULL END,
                lease_until = CASE WHEN @next = 'processing' THEN lease_until ELSE NULL END,
                received = coalesce(@received, received), loaded = coalesce(@loaded, loaded), rejected = coalesce(@rejected, rejected)
            WHERE id = @id AND status IN ({allowed}) AND (@worker IS NULL OR claimed_by = @worker);
            """,
            cancellationToken,
            ("@id", jobId), ("@next", next.ToWire()), ("@final", final ? 1 : 0), ("@now", ToEpoch(now)),
            ("@errorCode", details.Error?.Code), ("@errorMessage", details.Error?.Message),
            ("@received", details.Stats?.Received), ("@loaded", details.Stats?.Loaded), ("@rejected", details.Stats?.Rejected),
            ("@worker", details.WorkerId));
        if (changed == 0)
        {
            return false;
        }

        await AddHistoryAsync(connection, jobId, next, now, details.Reason ?? details.Error?.Message, cancellationToken);
        await SyncImportAsync(connection, jobId, next, details, now, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RequestCancelAsync(string jobId, string canceledBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "UPDATE jobs SET canceled_by = coalesce(canceled_by, @by) WHERE id = @id AND status IN ('queued', 'processing');",
            cancellationToken, ("@id", jobId), ("@by", canceledBy)) == 1;
    }

    public async Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        return await ReadJobAsync(connection, id, cancellationToken);
    }

    private static async Task<Job?> ReadJobAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {JobColumns} FROM jobs j WHERE j.id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadJob(reader) : null;
    }

    public async Task<Page<Job>> ListJobsAsync(JobFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {JobColumns} FROM jobs j
            WHERE j.seq < @cursor
              AND (@kind IS NULL OR j.kind = @kind)
              AND (@status IS NULL OR j.status = @status)
              AND (@dataset IS NULL OR j.dataset_id = @dataset)
              AND (@import IS NULL OR j.import_id = @import)
              AND (@from IS NULL OR j.queued_at >= @from)
              AND (@to IS NULL OR j.queued_at < @to)
            ORDER BY j.seq DESC LIMIT @limit;
            """,
            ("@cursor", long.TryParse(page.Cursor, out var cursor) ? cursor : long.MaxValue), ("@kind", filter.Kind?.ToWire()),
            ("@status", filter.Status?.ToWire()), ("@dataset", filter.DatasetId), ("@import", filter.ImportId),
            ("@from", filter.From is { } from ? ToEpoch(from) : null), ("@to", filter.To is { } to ? ToEpoch(to) : null),
            ("@limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<(long Seq, Job Job)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add((reader.GetInt64(0), ReadJob(reader)));
        }

        var page2 = Paged(items, page.Limit, j => j.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Page<Job>(page2.Items.Select(j => j.Job).ToList(), page2.NextCursor);
    }

    public async Task<IReadOnlyList<JobTransition>> GetHistoryAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var command = connection.Command("SELECT status, at, reason FROM job_history WHERE job_id = @id ORDER BY seq;", ("@id", jobId));
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
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        var expired = new List<(string Id, bool DirectUpload, bool CancelAsked)>();
        await using (var command = connection.Command(
            """
            SELECT j.id, j.kind = 'file_upload' AND i.source_url IS NULL, j.canceled_by IS NOT NULL
            FROM jobs j LEFT JOIN imports i ON i.id = j.import_id
            WHERE j.status = 'processing' AND j.lease_until < @now;
            """,
            ("@now", now == DateTimeOffset.MaxValue ? long.MaxValue : ToEpoch(now))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
            }
        }

        var clock = now == DateTimeOffset.MaxValue ? DateTimeOffset.UtcNow : now;
        foreach (var (id, directUpload, cancelAsked) in expired)
        {
            var (next, details) = Recovery(directUpload, cancelAsked);
            await TransitionAsync(id, next, details, clock, cancellationToken);
        }

        return expired.Count;
    }

    public async Task<IReadOnlyList<string>> ReleaseStagedPayloadsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var payloads = new List<string>();
        await using (var select = connection.Command(
            """
            SELECT payload_id FROM imports
            WHERE payload_id IS NOT NULL AND finished_at < @cutoff AND status IN ('completed', 'completed_with_errors', 'failed', 'canceled')
            ORDER BY seq LIMIT @limit;
            """,
            ("@cutoff", ToEpoch(finishedBefore)), ("@limit", limit)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                payloads.Add(reader.GetString(0));
            }
        }

        await connection.ExecuteAsync("UPDATE imports SET payload_id = NULL WHERE payload_id IN (SELECT value FROM json_each(@ids));", cancellationToken,
            ("@ids", System.Text.Json.JsonSerializer.Serialize(payloads)));
        await scope.CommitAsync(cancellationToken);
        return payloads;
    }

    public async Task<IReadOnlyList<PurgedImport>> PurgeFinishedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenControlAsync(cancellationToken);
        await using var scope = await connection.BeginWriteAsync(cancellationToken);
        var purged = new List<PurgedImport>();
        await using (var command = connection.Command(
            """
            SELECT j.dataset_id, j.import_id, j.kind FROM jobs j
            WHERE j.finished_at < @cutoff AND j.status IN ('completed', 'completed_with_errors', 'failed', 'canceled')
            ORDER BY j.seq LIMIT @limit;
            """,
            ("@cutoff", ToEpoch(finishedBefore)), ("@limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(2) == JobKind.DatasetLoad.ToWire() && !reader.IsDBNull(1))
                {
                    purged.Add(new PurgedImport(reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE IF NOT EXISTS purge (id TEXT PRIMARY KEY);
            DELETE FROM temp.purge;
            INSERT INTO temp.purge SELECT id FROM jobs
            WHERE finished_at < @cutoff AND status IN ('completed', 'completed_with_errors', 'failed', 'canceled') ORDER BY seq LIMIT @limit;
            DELETE FROM job_history WHERE job_id IN (SELECT id FROM temp.purge);
            DELETE FROM jobs WHERE id IN (SELECT id FROM temp.purge);
            DELETE FROM temp.purge;
            """,
            cancellationToken, ("@cutoff", ToEpoch(finishedBefore)), ("@limit", limit));
        await scope.CommitAsync(cancellationToken);
        return purged;
    }

    private static async Task AddHistoryAsync(SqliteConnection connection, string jobId, JobStatus status, DateTimeOffset at, string? reason,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync("INSERT INTO job_history (job_id, status, at, reason) VALUES (@job, @status, @at, @reason);",
            cancellationToken, ("@job", jobId), ("@status", status.ToWire()), ("@at", ToEpoch(at)), ("@reason", reason));

    /// <summary>Keeps the import's status in step with its current job; an upload's completion is handled where the load is queued.</summary>
    private static async Task SyncImportAsync(SqliteConnection connection, string jobId, JobStatus next, JobTransitionDetails details,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var final = next.IsFinal();
        var progress = details.Progress;
        await connection.ExecuteAsync(
            """
            UPDATE imports SET
                status = @next,
                started_at = CASE WHEN @next = 'processing' THEN coalesce(started_at, @now) ELSE started_at END,
                finished_at = CASE WHEN @final = 1 THEN @now ELSE NULL END,
                error_code = @errorCode, error_message = @errorMessage,
                resolved_record_type = coalesce(@resolved, resolved_record_type),
                bytes_read = coalesce(@bytes, bytes_read), records_read = coalesce(@read, records_read),
                records_written = coalesce(@written, records_written), records_rejected = coalesce(@rejected, records_rejected)
            WHERE (load_job_id = @job) OR (upload_job_id = @job AND load_job_id IS NULL AND @next <> 'completed');
            """,
            cancellationToken,
            ("@job", jobId), ("@next", next.ToWire()), ("@final", final ? 1 : 0), ("@now", ToEpoch(now)),
            ("@errorCode", details.Error?.Code), ("@errorMessage", details.Error?.Message), ("@resolved", details.ResolvedRecordType),
            ("@bytes", progress?.BytesRead), ("@read", progress?.RecordsRead), ("@written", progress?.RecordsWritten), ("@rejected", progress?.RecordsRejected));
    }
}
