using Intake.Core.Jobs;

namespace Intake.Core.Storage;

/// <summary>Selects imports in a list; every set member narrows the result.</summary>
public sealed record ImportFilter(
    string? DatasetId = null,
    JobStatus? Status = null,
    string? Tag = null,
    string? RecordType = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

/// <summary>
/// Selects jobs in the log; every set member narrows the result. <see cref="DatasetContains"/> keeps jobs whose
/// dataset's id or name contains the text, ignoring case.
/// </summary>
public sealed record JobFilter(
    JobKind? Kind = null,
    JobStatus? Status = null,
    string? DatasetId = null,
    string? ImportId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? DatasetContains = null);
