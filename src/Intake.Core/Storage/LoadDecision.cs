using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// What a sink's commit does with the load: apply it, or discard it and record why (a failure, or a plan,
/// which is always discarded). <see cref="Report"/> is kept with the marker either way.
/// </summary>
public sealed record LoadDecision
{
    private LoadDecision(bool applies, JobError? failure, IReadOnlyList<AttributeTypeChange> attributeChanges, string? report)
    {
        Applies = applies;
        Failure = failure;
        AttributeChanges = attributeChanges;
        Report = report;
    }

    /// <summary>Why the load is discarded; null when it is applied.</summary>
    public JobError? Failure { get; }

    /// <summary>Attribute types first seen, confirmed or widened in this load, committed only when it is applied.</summary>
    public IReadOnlyList<AttributeTypeChange> AttributeChanges { get; }

    public bool Applies { get; }

    /// <summary>A JSON document the loader keeps with the applied-load marker (<see cref="AppliedLoad.Report"/>); null for none.</summary>
    public string? Report { get; }

    public static LoadDecision Apply(IReadOnlyList<AttributeTypeChange> attributeChanges, string? report = null) =>
        new(true, null, attributeChanges, report);

    public static LoadDecision Discard(JobError failure, string? report = null) =>
        new(false, failure ?? throw new ArgumentNullException(nameof(failure)), [], report);

    /// <summary>A plan that ran to its end: discarded like a failure, without one.</summary>
    public static LoadDecision Planned(string report) => new(false, null, [], report);
}
