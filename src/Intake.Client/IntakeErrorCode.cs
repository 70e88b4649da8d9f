using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>
/// A stable error code from the server's catalogue (the problem's <c>code</c>, or a failed import's
/// <c>error.code</c>). A readonly struct rather than an enum, so a code this version of the library does not
/// know yet still round-trips: compare with the static members, or with the string.
/// </summary>
[JsonConverter(typeof(WireValueConverter<IntakeErrorCode>))]
public readonly struct IntakeErrorCode : IEquatable<IntakeErrorCode>, IWireValue<IntakeErrorCode>
{
    private readonly string? _value;

    /// <summary>Wraps <paramref name="value"/> as it appears on the wire.</summary>
    public IntakeErrorCode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>The code as the server spells it, for example <c>dataset_not_found</c>.</summary>
    public string Value => _value ?? "";

#pragma warning disable CS1591 // The names are the codes; docs/api.md and docs/security.md describe each.
    public static IntakeErrorCode InvalidRequest { get; } = new("invalid_request");
    public static IntakeErrorCode RouteNotFound { get; } = new("route_not_found");
    public static IntakeErrorCode DatasetNotFound { get; } = new("dataset_not_found");
    public static IntakeErrorCode DatasetExists { get; } = new("dataset_exists");
    public static IntakeErrorCode ImportNotFound { get; } = new("import_not_found");
    public static IntakeErrorCode JobNotFound { get; } = new("job_not_found");
    public static IntakeErrorCode EntityNotFound { get; } = new("entity_not_found");
    public static IntakeErrorCode IllegalTransition { get; } = new("illegal_transition");
    public static IntakeErrorCode PayloadTooLarge { get; } = new("payload_too_large");
    public static IntakeErrorCode UnknownRecordType { get; } = new("unknown_record_type");
    public static IntakeErrorCode Unauthorized { get; } = new("unauthorized");
    public static IntakeErrorCode KeyUnknown { get; } = new("key_unknown");
    public static IntakeErrorCode SignatureRequired { get; } = new("signature_required");
    public static IntakeErrorCode SignatureInvalid { get; } = new("signature_invalid");
    public static IntakeErrorCode Forbidden { get; } = new("forbidden");
    public static IntakeErrorCode RateLimited { get; } = new("rate_limited");
    public static IntakeErrorCode InternalError { get; } = new("internal_error");
    public static IntakeErrorCode CanceledByUser { get; } = new("canceled_by_user");
    public static IntakeErrorCode AllRecordsRejected { get; } = new("all_records_rejected");
    public static IntakeErrorCode HeaderMismatch { get; } = new("header_mismatch");

    /// <summary>Not from the server: the request never got an answer (refused connection, DNS, TLS, a reset).</summary>
    public static IntakeErrorCode ConnectionFailed { get; } = new("connection_failed");

    /// <summary>Not from the server's catalogue: an answer that is not a problem document (a proxy's HTML page, say).</summary>
    public static IntakeErrorCode UnexpectedResponse { get; } = new("unexpected_response");

    /// <summary>Not from the server: a job this client cannot cancel (only an import's jobs can be canceled).</summary>
    public static IntakeErrorCode NotCancelable { get; } = new("not_cancelable");

    public static bool operator ==(IntakeErrorCode left, IntakeErrorCode right) => left.Equals(right);

    public static bool operator !=(IntakeErrorCode left, IntakeErrorCode right) => !left.Equals(right);

    public static implicit operator IntakeErrorCode(string value) => new(value);
#pragma warning restore CS1591

    /// <inheritdoc/>
    public bool Equals(IntakeErrorCode other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is IntakeErrorCode other && Equals(other);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;

    static IntakeErrorCode IWireValue<IntakeErrorCode>.FromWire(string value) => new(value);
}
