using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>What a sink's commit does with the load: apply it, or discard it and record why.</summary>
public sealed record LoadDecision
{
    private LoadDecision(JobError? failure, IReadOnlyList<AttributeTypeChange> attributeChanges)
    {
        Failure = failure;
        AttributeChanges = attributeChanges;
    }

    /// <summary>Why the load is discarded; null when it is applied.</summary>
    public JobError? Failure { get; }

    /// <summary>Attribute types first seen, confirmed or widened in this load, committed only when it is applied.</summary>
    public IReadOnlyList<AttributeTypeChange> AttributeChanges { get; }

    public bool Applies => Failure is null;

    public static LoadDecision Apply(IReadOnlyList<AttributeTypeChange> attributeChanges) => new(null, attributeChanges);

    public static LoadDecision Discard(JobError failure) => new(failure ?? throw new ArgumentNullException(nameof(failure)), []);
}
