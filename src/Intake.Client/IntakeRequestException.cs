namespace Intake.Client;

/// <summary>
/// Any refusal by the server (an RFC 7807 problem), or a request that got no answer. Branch on
/// <see cref="Code"/>, never on the message. The message never contains a key or a secret.
/// </summary>
public class IntakeRequestException : Exception
{
    /// <summary>Creates the exception; <paramref name="status"/> is 0 when there was no HTTP answer.</summary>
    public IntakeRequestException(int status, IntakeErrorCode code, string message, string? traceId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Code = code;
        TraceId = traceId;
    }

    /// <summary>The HTTP status, or 0 when the request got no answer or the failure is not an HTTP one.</summary>
    public int Status { get; }

    /// <summary>The stable code from the server's catalogue (docs/api.md), or one of the client's own codes.</summary>
    public IntakeErrorCode Code { get; }

    /// <summary>The server's trace id of the request, which finds it in the server's log; null when there is none.</summary>
    public string? TraceId { get; }

    /// <summary>How long the server asked the client to wait before retrying (429 and 503), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// Thrown by <see cref="ImportOperation.WaitForCompletionAsync"/> when the import ended <c>failed</c> or
/// <c>canceled</c>. <see cref="IntakeRequestException.Code"/> is the import's error code (<c>canceled_by_user</c>
/// for a cancel) and <see cref="IntakeRequestException.Status"/> is 0.
/// </summary>
public sealed class ImportFailedException : IntakeRequestException
{
    /// <summary>Creates the exception for the import as it ended.</summary>
    public ImportFailedException(Import import)
        : base(0, import.Error?.Code ?? (import.Status == ImportStatus.Canceled ? IntakeErrorCode.CanceledByUser : IntakeErrorCode.InternalError),
            import.Error?.Message ?? $"Import {import.Id} ended {import.Status}.")
    {
        Import = import;
    }

    /// <summary>The import as it ended, with its counts and first errors.</summary>
    public Import Import { get; }
}
