using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Server.Api.Contracts;

public sealed record ImportDto(
    string Id,
    string DatasetId,
    string Status,
    string RecordType,
    string Mode,
    long? MaxErrors,
    double? MaxErrorRatio,
    string? Format,
    string? TimestampUnit,
    IReadOnlyList<string> Tags,
    bool Archived,
    string Origin,
    string? FileName,
    string? SourceUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    ProgressDto Progress,
    ErrorSummaryDto? Error,
    IReadOnlyList<RecordErrorDto>? Errors,
    ImportJobsDto Jobs,
    IReadOnlyList<ImportWarningDto> Warnings,
    DateTimeOffset? DeletedAt,
    bool Plan,
    string? PlanId,
    PlannedDto? Planned)
{
    public static ImportDto From(ImportInfo import, IReadOnlyList<RecordRejection>? errors = null, PlannedDto? planned = null) => new(
        import.Id,
        import.DatasetId,
        import.Status.ToWire(),
        import.ResolvedRecordType ?? import.Request.RecordType,
        import.Request.Mode.ToWire(),
        import.Request.MaxErrors,
        import.Request.MaxErrorRatio,
        import.Request.Format,
        import.Request.TimestampUnit?.ToWire(),
        import.Request.Tags,
        import.Archived,
        import.Request.Origin,
        import.Request.FileName,
        import.Request.SourceUrl,
        import.CreatedAt,
        import.StartedAt,
        import.FinishedAt,
        ProgressDto.From(import.Progress),
        import.Error is null ? null : new ErrorSummaryDto(import.Error.Code, import.Error.Message),
        errors?.Select(RecordErrorDto.From).ToList(),
        new ImportJobsDto(import.FileUploadJobId, import.DatasetLoadJobId),
        import.Warnings.Select(w => new ImportWarningDto(w.Code, w.Message)).ToList(),
        import.DeletedAt,
        import.Request.Plan,
        import.Request.PlanId,
        planned);
}

/// <param name="RecordsDeleted">Stored records a <c>replace</c> load deleted (0 until it is final, and in other modes).</param>
public sealed record ProgressDto(long BytesRead, long? BytesTotal, double? Percent, long RecordsRead, long RecordsWritten, long RecordsRejected,
    long RecordsDeleted)
{
    public static ProgressDto From(ImportProgress progress) => new(
        progress.BytesRead,
        progress.BytesTotal,
        progress.BytesTotal is > 0 ? Math.Round(100.0 * progress.BytesRead / progress.BytesTotal.Value, 1) : null,
        progress.RecordsRead,
        progress.RecordsWritten,
        progress.RecordsRejected,
        progress.RecordsDeleted);
}

public sealed record ErrorSummaryDto(string Code, string Message);

public sealed record RecordErrorDto(long Line, string ErrorId, string Code, string Message, string? Field)
{
    public static RecordErrorDto From(RecordRejection rejection) =>
        new(rejection.Line, rejection.ErrorId, rejection.Code, rejection.Message, rejection.Field);
}

public sealed record ImportJobsDto(string? FileUpload, string? DatasetLoad);

/// <summary>Something the load noticed and acted on without refusing the file (docs/api.md lists the codes).</summary>
public sealed record ImportWarningDto(string Code, string Message);

public sealed record UrlImportRequest(string? Url, string? Format, string? RecordType, string? Mode, IReadOnlyList<string>? Tags, string? Delimiter,
    string? TimestampUnit = null,
    long? MaxErrors = null, double? MaxErrorRatio = null, bool? Plan = null);
