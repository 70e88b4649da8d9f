using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>A current record as read back; <see cref="AttributesJson"/> is a JSON object or null.</summary>
public sealed record StoredRecord(
    RecordKind Kind,
    string Type,
    string Id,
    string? TargetId,
    long? Timestamp,
    string? Name,
    string? MediaUrl,
    double? Value,
    string? AttributesJson,
    string RecordType,
    long BatchSeq);

/// <summary>
/// Which records an export reads. <see cref="BatchSeqs"/> null means every batch; <see cref="Since"/>
/// keeps interactions at or after that time (epoch milliseconds).
/// </summary>
public sealed record ExportQuery(RecordKind? Kind, string? Type, IReadOnlyList<long>? BatchSeqs, long? Since);
