using System.Data.Common;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

public abstract partial class RelationalJobStore
{
    // A direct upload is held by the request sending it, not by a worker lease: nothing renews it, so the
    // lease is long, and an upload whose node died is failed when it expires (or at once when SQLite restarts).
    private static readonly TimeSpan s_uploadLease = TimeSpan.FromHours(1);

    public async Task<ImportInfo> CreateImportAsync(NewImport request, JobStatus? uploadStatus, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        if (request.IdempotencyKey is not null)
        {
            await LockIdempotencyKeyAsync(connection, request.IdempotencyKey, cancellationToken);
            var existing = await connection.ScalarAsync<string>("SELECT id FROM imports WHERE idempotency_key = @key;", cancellationToken,
                ("@key", request.IdempotencyKey));
            if (existing is not null)
            {
                return (await ReadImportAsync(connection, existing, cancellationToken))!;
            }
        }

        var importId = Guid.CreateVersion7().ToString();
        var jobId = uploadStatus is null ? null : Guid.CreateVersion7().ToString();
        var processing = uploadStatus == JobStatus.Processing;
        long? orderSeq = uploadStatus == JobStatus.Queued ? await NextOrderSeqAsync(connection, cancellationToken) : null;
        var epoch = ToEpoch(now);
        var seq = await connection.ScalarAsync<long>(
            """
            INSERT INTO imports (id, dataset_id, request, record_type, source_url, status, created_at, started_at, upload_job_id, idempotency_key)
            VALUES (@id, @dataset, @request, @recordType, CAST(@url AS TEXT), @status, @now, CAST(@started AS BIGINT), CAST(@job AS TEXT), CAST(@key AS TEXT))
            RETURNING seq;
            """,
            cancellationToken,
            ("@id", importId), ("@dataset", request.DatasetId), ("@request", SerializeRequest(request)),
            ("@recordType", request.RecordType), ("@url", request.SourceUrl), ("@status", (uploadStatus ?? JobStatus.Queued).ToWire()), ("@now", epoch),
            ("@started", processing ? epoch : null), ("@job", jobId), ("@key", request.IdempotencyKey));
        foreach (var tag in request.Tags.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync("INSERT INTO import_tags (tag, import_seq) VALUES (@tag, @seq);", cancellationToken, ("@tag", tag), ("@seq", seq));
        }

        if (jobId is not null)
        {
            await InsertUploadJobAsync(connection, jobId, importId, request.DatasetId, uploadStatus!.Value, orderSeq, now, cancellationToken);
        }

        // Read before the commit: the import as created, which a worker may claim the moment it is committed.
        var created = (await ReadImportAsync(connection, importId, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<bool> BeginUploadAsync(string importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var jobId = Guid.CreateVersion7().ToString();
        var datasetId = await connection.ScalarAsync<string>(
            "UPDATE imports SET upload_job_id = @job, status = 'processing', started_at = @now WHERE id = @id AND upload_job_id IS NULL RETURNING dataset_id;",
            cancellationToken, ("@id", importId), ("@job", jobId), ("@now", ToEpoch(now)));
        if (datasetId is null)
        {
            return false;
        }

        await InsertUploadJobAsync(connection, jobId, importId, datasetId, JobStatus.Processing, null, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task InsertUploadJobAsync(DbConnection connection, string jobId, string importId, string datasetId, JobStatus status,
        long? orderSeq, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var processing = status == JobStatus.Processing;
        var epoch = ToEpoch(now);
        await connection.ExecuteAsync(
            """
            INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at, started_at, lease_until)
            VALUES (@id, @kind, @status, @dataset, @import, CAST(@order AS BIGINT), @now, CAST(@started AS BIGINT), CAST(@lease AS BIGINT));
            """,
            cancellationToken,
            ("@id", jobId), ("@kind", JobKind.FileUpload.ToWire()), ("@status", status.ToWire()), ("@dataset", datasetId),
            ("@import", importId), ("@order", orderSeq), ("@now", epoch), ("@started", processing ? epoch : null),
            ("@lease", processing ? ToEpoch(now + s_uploadLease) : null));
        await AddHistoryAsync(connection, jobId, JobStatus.Queued, now, processing ? "receiving the file" : "waiting to fetch the file", cancellationToken);
        if (processing)
        {
            await AddHistoryAsync(connection, jobId, JobStatus.Processing, now, "receiving the file", cancellationToken);
        }
        else
        {
            await NotifyQueuedAsync(connection, cancellationToken);
        }
    }

    public async Task<ImportInfo?> CompleteUploadAsync(string importId, string payloadId, long payloadBytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        string uploadJobId, datasetId;
        long? orderSeq;
        await using (var command = connection.Command(
            "SELECT i.upload_job_id, i.dataset_id, j.order_seq FROM imports i JOIN jobs j ON j.id = i.upload_job_id WHERE i.id = @id;", ("@id", importId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (uploadJobId, datasetId, orderSeq) = (reader.GetString(0), reader.GetString(1), reader.NullableInt64(2));
        }

        var epoch = ToEpoch(now);
        if (await connection.ExecuteAsync(
                """
                UPDATE jobs SET status = 'completed', finished_at = @now, received = @bytes, claimed_by = NULL, lease_until = NULL
                WHERE id = @id AND status = 'processing';
                """,
                cancellationToken, ("@id", uploadJobId), ("@now", epoch), ("@bytes", payloadBytes)) == 0)
        {
            return null;
        }

        await AddHistoryAsync(connection, uploadJobId, JobStatus.Completed, now, $"received {payloadBytes} bytes", cancellationToken);
        var loadJobId = Guid.CreateVersion7().ToString();
        orderSeq ??= await NextOrderSeqAsync(connection, cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at) VALUES (@id, 'dataset_load', 'queued', @dataset, @import, @order, @now);",
            cancellationToken, ("@id", loadJobId), ("@dataset", datasetId), ("@import", importId), ("@order", orderSeq), ("@now", epoch));
        await connection.ExecuteAsync(
            "UPDATE imports SET payload_id = @payload, payload_bytes = @bytes, load_job_id = @id, status = 'queued' WHERE id = @import;",
            cancellationToken, ("@id", loadJobId), ("@import", importId), ("@payload", payloadId), ("@bytes", payloadBytes));
        await AddHistoryAsync(connection, loadJobId, JobStatus.Queued, now, "file staged", cancellationToken);
        await NotifyQueuedAsync(connection, cancellationToken);

        // Read before the commit: the import as staged and queued, before a worker can claim its load.
        var staged = await ReadImportAsync(connection, importId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return staged;
    }

    public async Task<PlanApplication?> ApplyPlanAsync(string planId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // The plan's row is locked first, so two applies of one plan run one after the other and the second finds the first.
        var plan = await connection.ScalarAsync<string>($"SELECT id FROM imports WHERE id = @id {LockRow};", cancellationToken, ("@id", planId));
        var existing = await connection.ScalarAsync<string>("SELECT id FROM imports WHERE plan_id = @plan;", cancellationToken, ("@plan", planId));
        if (existing is not null)
        {
            return new PlanApplication((await ReadImportAsync(connection, existing, cancellationToken))!, false);
        }

        var planned = plan is null ? null : await ReadImportAsync(connection, plan, cancellationToken);
        if (planned is null || !planned.Request.Plan || planned.Status != JobStatus.Planned || planned.PayloadId is null)
        {
            return null;
        }

        var request = planned.Request with { Plan = false, PlanId = planId, IdempotencyKey = null };
        var importId = Guid.CreateVersion7().ToString();
        var loadJobId = Guid.CreateVersion7().ToString();
        var orderSeq = await NextOrderSeqAsync(connection, cancellationToken);
        var epoch = ToEpoch(now);
        var seq = await connection.ScalarAsync<long>(
            """
            INSERT INTO imports (id, dataset_id, request, record_type, source_url, status, created_at, payload_id, payload_bytes, load_job_id, plan_id)
            VALUES (@id, @dataset, @request, @recordType, CAST(@url AS TEXT), 'queued', @now, @payload, @bytes, @job, @plan)
            RETURNING seq;
            """,
            cancellationToken,
            ("@id", importId), ("@dataset", request.DatasetId), ("@request", SerializeRequest(request)), ("@recordType", request.RecordType),
            ("@url", request.SourceUrl), ("@now", epoch), ("@payload", planned.PayloadId), ("@bytes", planned.PayloadBytes), ("@job", loadJobId),
            ("@plan", planId));
        foreach (var tag in request.Tags.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync("INSERT INTO import_tags (tag, import_seq) VALUES (@tag, @seq);", cancellationToken, ("@tag", tag), ("@seq", seq));
        }

        await connection.ExecuteAsync(
            "INSERT INTO jobs (id, kind, status, dataset_id, import_id, order_seq, queued_at) VALUES (@id, 'dataset_load', 'queued', @dataset, @import, @order, @now);",
            cancellationToken, ("@id", loadJobId), ("@dataset", request.DatasetId), ("@import", importId), ("@order", orderSeq), ("@now", epoch));
        await AddHistoryAsync(connection, loadJobId, JobStatus.Queued, now, $"applies plan {planId} from its staged file", cancellationToken);
        await NotifyQueuedAsync(connection, cancellationToken);
        var created = (await ReadImportAsync(connection, importId, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PlanApplication(created, true);
    }

    public async Task<string?> FindPlanApplicationAsync(string planId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ScalarAsync<string>("SELECT id FROM imports WHERE plan_id = @plan;", cancellationToken, ("@plan", planId));
    }

    public async Task<ImportInfo?> GetImportAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadImportAsync(connection, id, cancellationToken);
    }

    private static async Task<ImportInfo?> ReadImportAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {ImportColumns} FROM imports i WHERE i.id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadImport(reader) : null;
    }

    public async Task<Page<ImportInfo>> ListImportsAsync(ImportFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {ImportColumns} FROM imports i
            WHERE i.seq < @cursor
              AND (CAST(@dataset AS TEXT) IS NULL OR i.dataset_id = CAST(@dataset AS TEXT))
              AND (CAST(@status AS TEXT) IS NULL OR i.status = CAST(@status AS TEXT))
              AND (CAST(@recordType AS TEXT) IS NULL OR i.record_type = CAST(@recordType AS TEXT) OR i.resolved_record_type = CAST(@recordType AS TEXT))
              AND (CAST(@from AS BIGINT) IS NULL OR i.created_at >= CAST(@from AS BIGINT))
              AND (CAST(@to AS BIGINT) IS NULL OR i.created_at < CAST(@to AS BIGINT))
              AND (CAST(@tag AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM import_tags t WHERE t.tag = CAST(@tag AS TEXT) AND t.import_seq = i.seq))
            ORDER BY i.seq DESC LIMIT @limit;
            """,
            ("@cursor", page.SequenceBefore()), ("@dataset", filter.DatasetId),
            ("@status", filter.Status?.ToWire()), ("@recordType", filter.RecordType),
            ("@from", filter.From is { } from ? ToEpoch(from) : null), ("@to", filter.To is { } to ? ToEpoch(to) : null),
            ("@tag", filter.Tag), ("@limit", page.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<ImportInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadImport(reader));
        }

        return Paged(items, page.Limit, i => i.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyDictionary<string, ImportInfo>> LatestImportsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, ImportInfo>(StringComparer.Ordinal);
        if (datasetIds.Count == 0)
        {
            return latest;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {ImportColumns} FROM imports i WHERE i.seq IN (SELECT max(seq) FROM imports WHERE {InList("dataset_id", "@datasets")} GROUP BY dataset_id);",
            ("@datasets", ListValue(datasetIds)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var import = ReadImport(reader);
            latest[import.DatasetId] = import;
        }

        return latest;
    }

    public async Task<bool> SetArchivedAsync(string importId, bool archived, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("UPDATE imports SET archived = @archived WHERE id = @id;", cancellationToken,
            ("@id", importId), ("@archived", archived)) == 1;
    }

    public async Task<IReadOnlyDictionary<long, string>> VisibleBatchesAsync(string datasetId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT i.seq, i.id FROM imports i
            WHERE i.dataset_id = @dataset AND i.archived = FALSE
              AND (@anyTag = 0 OR EXISTS (SELECT 1 FROM import_tags t WHERE t.import_seq = i.seq AND {InList("t.tag", "@tags")}))
            ORDER BY i.seq;
            """,
            ("@dataset", datasetId), ("@anyTag", tags.Count > 0 ? 1 : 0), ("@tags", ListValue(tags)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var batches = new Dictionary<long, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            batches[reader.GetInt64(0)] = reader.GetString(1);
        }

        return batches;
    }

    public async Task ReportProgressAsync(string jobId, ImportProgress progress, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            UPDATE imports SET bytes_read = @bytes, records_read = @read, records_written = @written, records_rejected = @rejected
            WHERE load_job_id = @job AND status = 'processing';
            """,
            cancellationToken,
            ("@job", jobId), ("@bytes", progress.BytesRead), ("@read", progress.RecordsRead), ("@written", progress.RecordsWritten),
            ("@rejected", progress.RecordsRejected));
    }
}
