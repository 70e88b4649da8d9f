using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>
/// The status of an import or a job (<c>queued</c>, <c>processing</c>, <c>completed</c>,
/// <c>completed_with_errors</c>, <c>failed</c>, <c>canceled</c>, <c>planned</c>). A readonly struct so a status added by a
/// later server still round-trips.
/// </summary>
[JsonConverter(typeof(WireValueConverter<ImportStatus>))]
public readonly struct ImportStatus : IEquatable<ImportStatus>, IWireValue<ImportStatus>
{
    private readonly string? _value;

    /// <summary>Wraps <paramref name="value"/> as it appears on the wire.</summary>
    public ImportStatus(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>The status as the server spells it.</summary>
    public string Value => _value ?? "";

    /// <summary>Accepted, waiting for a worker.</summary>
    public static ImportStatus Queued { get; } = new("queued");

    /// <summary>Being received, fetched or loaded.</summary>
    public static ImportStatus Processing { get; } = new("processing");

    /// <summary>Every record loaded.</summary>
    public static ImportStatus Completed { get; } = new("completed");

    /// <summary>Loaded, with some records rejected.</summary>
    public static ImportStatus CompletedWithErrors { get; } = new("completed_with_errors");

    /// <summary>Nothing written; the error says why.</summary>
    public static ImportStatus Failed { get; } = new("failed");

    /// <summary>Canceled by a user; nothing written.</summary>
    public static ImportStatus Canceled { get; } = new("canceled");

    /// <summary>A plan that read its whole file and wrote nothing; <see cref="Import.Planned"/> says what applying it would do.</summary>
    public static ImportStatus Planned { get; } = new("planned");

    /// <summary>Whether the status can no longer change.</summary>
    public bool IsFinal => this == Completed || this == CompletedWithErrors || this == Failed || this == Canceled || this == Planned;

#pragma warning disable CS1591
    public static bool operator ==(ImportStatus left, ImportStatus right) => left.Equals(right);

    public static bool operator !=(ImportStatus left, ImportStatus right) => !left.Equals(right);
#pragma warning restore CS1591

    /// <inheritdoc/>
    public bool Equals(ImportStatus other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is ImportStatus other && Equals(other);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;

    static ImportStatus IWireValue<ImportStatus>.FromWire(string value) => new(value);
}
