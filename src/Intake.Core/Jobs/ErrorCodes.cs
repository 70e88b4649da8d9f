namespace Intake.Core.Jobs;

/// <summary>What kind of refusal an error is; the server maps each kind onto one HTTP status.</summary>
public enum ErrorKind
{
    Invalid,
    NotFound,
    Conflict,
    TooLarge,
    Unauthorized,
    Forbidden,
    Unsupported,
    MethodNotAllowed,
    RateLimited,
    UriTooLong,
    Unavailable,
    InsufficientStorage,
    Internal,
}

/// <summary>One entry of the catalogue: a stable code, its kind and a short title.</summary>
public sealed record ErrorCodeInfo(string Code, ErrorKind Kind, string Title);

/// <summary>
/// The one catalogue of stable error codes. Clients branch on these, never on message text.
/// Import failure codes are also the <see cref="JobError.Code"/> of failed jobs; per-record codes
/// (PascalCase, as the compatibility documents spell them) are in <see cref="RecordErrorCodes"/>.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string RouteNotFound = "route_not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string DatasetNotFound = "dataset_not_found";
    public const string DatasetExists = "dataset_exists";
    public const string ImportNotFound = "import_not_found";
    public const string JobNotFound = "job_not_found";
    public const string EntityNotFound = "entity_not_found";
    public const string UploadNotFound = "upload_not_found";
    public const string UploadAlreadyReceived = "upload_already_received";
    public const string TableNotFound = "table_not_found";

    /// <summary>The table-batch API's refusal of a request, spelled as its document lists it (seeds/001).</summary>
    public const string InvalidArgumentException = "InvalidArgumentException";
    public const string IllegalTransition = "illegal_transition";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedFormat = "unsupported_format";
    public const string UnknownRecordType = "unknown_record_type";
    public const string InvalidSchema = "invalid_schema";
    public const string UrlNotAllowed = "url_not_allowed";
    public const string EmptyBody = "empty_body";
    public const string Unauthorized = "unauthorized";
    public const string KeyUnknown = "key_unknown";
    public const string KeyRevoked = "key_revoked";
    public const string SignatureRequired = "signature_required";
    public const string SignatureInvalid = "signature_invalid";
    public const string TimestampOutOfRange = "timestamp_out_of_range";
    public const string NonceReused = "nonce_reused";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string StoreUnavailable = "store_unavailable";
    public const string InternalError = "internal_error";
    public const string UnknownParameter = "unknown_parameter";
    public const string FormFieldAfterFile = "form_field_after_file";
    public const string QueueFull = "queue_full";
    public const string WebhookNotFound = "webhook_not_found";
    public const string InsufficientStorage = "insufficient_storage";

    // Hardening (#14): request shape, keys and upload capability tokens.
    public const string MalformedMultipart = "malformed_multipart";
    public const string UrlTooLong = "url_too_long";
    public const string TooManyTags = "too_many_tags";
    public const string TagTooLong = "tag_too_long";
    public const string NonceInvalid = "nonce_invalid";
    public const string KeyNotFound = "key_not_found";
    public const string UploadTokenInvalid = "upload_token_invalid";
    public const string UploadTokenExpired = "upload_token_expired";
    public const string UploadTokenUsed = "upload_token_used";
    public const string UploadTokenMismatch = "upload_token_mismatch";

    // Plans (issue 9): applying an import that is not an appliable plan.
    public const string NotAPlan = "not_a_plan";
    public const string PlanNotAppliable = "plan_not_appliable";
    public const string PlanExpired = "plan_expired";

    // Import failures (the job's error).
    public const string FileTooLarge = "file_too_large";
    public const string TooManyRecords = "too_many_records";
    public const string HeaderMismatch = "header_mismatch";
    public const string MalformedFile = "malformed_file";
    public const string InvalidEncoding = "invalid_encoding";
    public const string EmptyFile = "empty_file";
    public const string AllRecordsRejected = "all_records_rejected";
    public const string ErrorBudgetExceeded = "error_budget_exceeded";
    public const string FetchFailed = "fetch_failed";
    public const string UploadInterrupted = "upload_interrupted";
    public const string CanceledByUser = "canceled_by_user";

    private static readonly ErrorCodeInfo[] s_all =
    [
        new(InvalidRequest, ErrorKind.Invalid, "The request is not valid."),
        new(RouteNotFound, ErrorKind.NotFound, "No endpoint answers this path."),
        new(MethodNotAllowed, ErrorKind.MethodNotAllowed, "The endpoint does not take this method."),
        new(DatasetNotFound, ErrorKind.NotFound, "Dataset not found."),
        new(DatasetExists, ErrorKind.Conflict, "A dataset with this id already exists."),
        new(ImportNotFound, ErrorKind.NotFound, "Import not found."),
        new(JobNotFound, ErrorKind.NotFound, "Job not found."),
        new(EntityNotFound, ErrorKind.NotFound, "Entity not found."),
        new(UploadNotFound, ErrorKind.NotFound, "Upload not found."),
        new(UploadAlreadyReceived, ErrorKind.Conflict, "This upload has already received its file."),
        new(TableNotFound, ErrorKind.NotFound, "Table not found."),
        new(InvalidArgumentException, ErrorKind.Invalid, "The batch request does not allow this."),
        new(IllegalTransition, ErrorKind.Conflict, "The job is not in a state that allows this."),
        new(PayloadTooLarge, ErrorKind.TooLarge, "The request body is larger than the configured limit."),
        new(UnsupportedFormat, ErrorKind.Unsupported, "The file format is not supported."),
        new(UnknownRecordType, ErrorKind.Invalid, "The record type is not known."),
        new(InvalidSchema, ErrorKind.Invalid, "The record type definition is not valid."),
        new(UrlNotAllowed, ErrorKind.Invalid, "The URL may not be fetched."),
        new(EmptyBody, ErrorKind.Invalid, "The request body is empty."),
        new(Unauthorized, ErrorKind.Unauthorized, "Authentication is required."),
        new(KeyUnknown, ErrorKind.Unauthorized, "The key is not known."),
        new(KeyRevoked, ErrorKind.Unauthorized, "The key was revoked."),
        new(SignatureRequired, ErrorKind.Unauthorized, "The key requires signed requests."),
        new(SignatureInvalid, ErrorKind.Unauthorized, "The request signature does not match."),
        new(TimestampOutOfRange, ErrorKind.Unauthorized, "The request timestamp is too far from the server's clock."),
        new(NonceReused, ErrorKind.Unauthorized, "The request nonce was used before."),
        new(Forbidden, ErrorKind.Forbidden, "The key does not allow this."),
        new(RateLimited, ErrorKind.RateLimited, "Too many requests; retry after the time given."),
        new(StoreUnavailable, ErrorKind.Unavailable, "The store is not reachable."),
        new(InternalError, ErrorKind.Internal, "An unexpected error occurred."),
        new(UnknownParameter, ErrorKind.Invalid, "The request has a parameter or field this endpoint does not take."),
        new(NotAPlan, ErrorKind.Conflict, "The import is not a plan."),
        new(PlanNotAppliable, ErrorKind.Conflict, "The plan cannot be applied: it has not finished, or failed, or was canceled."),
        new(PlanExpired, ErrorKind.Conflict, "The plan's staged file was removed by retention; upload the file again."),
        new(MalformedMultipart, ErrorKind.Invalid, "The multipart body cannot be read."),
        new(UrlTooLong, ErrorKind.UriTooLong, "The request URL is longer than the server accepts."),
        new(TooManyTags, ErrorKind.Invalid, "More tags than the server accepts."),
        new(TagTooLong, ErrorKind.Invalid, "A tag is longer than the server accepts."),
        new(NonceInvalid, ErrorKind.Unauthorized, "The request nonce is empty or too long."),
        new(KeyNotFound, ErrorKind.NotFound, "Key not found."),
        new(UploadTokenInvalid, ErrorKind.Unauthorized, "The upload token is not valid."),
        new(UploadTokenExpired, ErrorKind.Unauthorized, "The upload token has expired."),
        new(UploadTokenUsed, ErrorKind.Forbidden, "The upload token was used already."),
        new(UploadTokenMismatch, ErrorKind.Forbidden, "The upload token is for another upload."),
        new(FormFieldAfterFile, ErrorKind.Invalid, "A form field comes after the file part of the upload."),
        new(WebhookNotFound, ErrorKind.NotFound, "Webhook not found."),
        new(QueueFull, ErrorKind.Unavailable, "Too many imports are waiting; retry after the time given."),
        new(InsufficientStorage, ErrorKind.InsufficientStorage, "Too little disk space is free to stage the file."),
        new(FileTooLarge, ErrorKind.TooLarge, "The file is larger than the configured limit."),
        new(TooManyRecords, ErrorKind.TooLarge, "The file has more records than the configured limit."),
        new(HeaderMismatch, ErrorKind.Invalid, "The header fits no record type."),
        new(MalformedFile, ErrorKind.Invalid, "The file cannot be read."),
        new(InvalidEncoding, ErrorKind.Invalid, "The file's header is not valid UTF-8."),
        new(EmptyFile, ErrorKind.Invalid, "The file holds no records."),
        new(AllRecordsRejected, ErrorKind.Invalid, "Every record of the file was rejected."),
        new(ErrorBudgetExceeded, ErrorKind.Invalid, "More records were rejected than the import's error budget allows."),
        new(FetchFailed, ErrorKind.Invalid, "The file could not be fetched from its URL."),
        new(UploadInterrupted, ErrorKind.Invalid, "The upload ended before the whole file arrived."),
        new(CanceledByUser, ErrorKind.Conflict, "The import was canceled."),
    ];

    private static readonly Dictionary<string, ErrorCodeInfo> s_byCode = s_all.ToDictionary(e => e.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<ErrorCodeInfo> All => s_all;

    public static ErrorCodeInfo Describe(string code) =>
        s_byCode.TryGetValue(code, out var info) ? info : s_byCode[InternalError];
}

/// <summary>Codes of per-record rejections, as the compatibility documents spell them.</summary>
public static class RecordErrorCodes
{
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string MissingField = "MissingField";
    public const string InvalidType = "InvalidType";
    public const string InvalidValue = "InvalidValue";
    public const string UnknownField = "UnknownField";
    public const string MalformedRecord = "MalformedRecord";

    /// <summary>Text of the record is not valid UTF-8 (or a JSON escape is a lone surrogate); never stored repaired.</summary>
    public const string InvalidEncoding = "InvalidEncoding";

    /// <summary>An event time outside the configured window, or an epoch value too large to be a time.</summary>
    public const string TimestampOutOfRange = "TimestampOutOfRange";
}
