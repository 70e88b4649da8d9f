using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Security;
using Intake.Core.Storage;

namespace Intake.Storage.Relational;

/// <summary>
/// The control plane's rows as both SQL stores lay them out (same columns, same order): the select lists and
/// the mapping from a reader, so the stores differ only in their SQL dialect. Times are epoch milliseconds.
/// </summary>
public static class ControlRows
{
    public const string DatasetColumns = "id, name, description, created_at, updated_at, quality";

    public const string ImportColumns =
        """
        i.seq, i.id, i.request, i.status, i.created_at, i.started_at, i.finished_at, i.payload_id, i.payload_bytes,
        i.resolved_record_type, i.archived, i.error_code, i.error_message, i.bytes_read, i.records_read,
        i.records_written, i.records_rejected, i.upload_job_id, i.load_job_id, i.deleted_at, i.warnings, i.records_deleted
        """;

    public const string JobColumns =
        """
        j.seq, j.id, j.kind, j.status, j.dataset_id, j.import_id, j.order_seq, j.queued_at, j.started_at, j.finished_at,
        j.error_code, j.error_message, j.canceled_by, j.claimed_by, j.lease_until, j.attempts, j.received, j.loaded, j.rejected, j.deleted
        """;

    public const string KeyColumns = "id, name, scopes, signed, verifier, created_at, revoked_at";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string SerializeRequest(NewImport request) => JsonSerializer.Serialize(request, s_json);

    public static long ToEpoch(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromEpoch(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromEpoch(object value) => value is DBNull ? null : FromEpoch(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static JobStatus ParseStatus(string value) =>
        JobStatusNames.TryParse(value, out var status) ? status : throw new InvalidDataException($"Unknown job status '{value}' in the store.");

    public static Dataset ReadDataset(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.NullableString(2), FromEpoch(reader.GetInt64(3)), FromEpoch(reader.GetInt64(4)))
    {
        Quality = Intake.Core.Quality.QualityThresholds.Parse(reader.NullableString(5)),
    };

    public static ImportInfo ReadImport(DbDataReader reader) => new()
    {
        Seq = reader.GetInt64(0),
        Id = reader.GetString(1),
        Request = JsonSerializer.Deserialize<NewImport>(reader.GetString(2), s_json)!,
        Status = ParseStatus(reader.GetString(3)),
        CreatedAt = FromEpoch(reader.GetInt64(4)),
        StartedAt = FromEpoch(reader.GetValue(5)),
        FinishedAt = FromEpoch(reader.GetValue(6)),
        PayloadId = reader.NullableString(7),
        PayloadBytes = reader.NullableInt64(8),
        ResolvedRecordType = reader.NullableString(9),
        Archived = reader.GetBoolean(10),
        Error = reader.IsDBNull(11) ? null : new JobError(reader.GetString(11), reader.GetString(12)),
        Progress = new ImportProgress(reader.GetInt64(13), reader.NullableInt64(8), reader.GetInt64(14), reader.GetInt64(15), reader.GetInt64(16), reader.GetInt64(21)),
        FileUploadJobId = reader.NullableString(17),
        DatasetLoadJobId = reader.NullableString(18),
        DeletedAt = FromEpoch(reader.GetValue(19)),
        Warnings = reader.IsDBNull(20) ? [] : JsonSerializer.Deserialize<List<ImportWarning>>(reader.GetString(20), s_json)!,
    };

    public static string? SerializeWarnings(IReadOnlyList<ImportWarning>? warnings) => warnings is null ? null : JsonSerializer.Serialize(warnings, s_json);

    public static Job ReadJob(DbDataReader reader) => new()
    {
        Id = reader.GetString(1),
        Kind = JobKindNames.TryParse(reader.GetString(2), out var kind) ? kind : throw new InvalidDataException($"Unknown job kind '{reader.GetString(2)}'."),
        Status = ParseStatus(reader.GetString(3)),
        DatasetId = reader.GetString(4),
        ImportId = reader.NullableString(5),
        OrderSeq = reader.NullableInt64(6),
        QueuedAt = FromEpoch(reader.GetInt64(7)),
        StartedAt = FromEpoch(reader.GetValue(8)),
        FinishedAt = FromEpoch(reader.GetValue(9)),
        Error = reader.IsDBNull(10) ? null : new JobError(reader.GetString(10), reader.GetString(11)),
        CanceledBy = reader.NullableString(12),
        ClaimedBy = reader.NullableString(13),
        LeaseUntil = FromEpoch(reader.GetValue(14)),
        Attempts = reader.GetInt32(15),
        Stats = new JobStats(reader.GetInt64(16), reader.GetInt64(17), reader.GetInt64(18), reader.GetInt64(19)),
    };

    public static ApiKey ReadKey(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), (ApiKeyScopes)reader.GetInt32(2), reader.GetBoolean(3), (byte[])reader.GetValue(4),
        FromEpoch(reader.GetInt64(5)), FromEpoch(reader.GetValue(6)));

    /// <summary>Pages fetched with one row more than the limit: the extra row only says there is a next page.</summary>
    public static Page<T> Paged<T>(List<T> items, int limit, Func<T, string> cursorOf)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, cursorOf(items[^1]));
    }

    /// <summary>
    /// What becomes of a processing job whose lease ran out: canceled if a cancel was asked, failed if it was a
    /// direct upload (its sender is gone with the node), otherwise queued again to be redone.
    /// </summary>
    public static (JobStatus Next, JobTransitionDetails Details) Recovery(bool directUpload, bool cancelAsked) =>
        cancelAsked
            ? (JobStatus.Canceled, new JobTransitionDetails { Reason = "canceled while its worker was gone" })
            : directUpload
                ? (JobStatus.Failed, new JobTransitionDetails { Error = new JobError(ErrorCodes.UploadInterrupted, "The upload was interrupted before the whole file arrived.") })
                : (JobStatus.Queued, new JobTransitionDetails { Reason = "its worker stopped; redelivered" });
}
