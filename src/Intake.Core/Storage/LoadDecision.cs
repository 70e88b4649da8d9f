using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>What a sink's commit does with the load: apply it, or discard it and record why.</summary>
public sealed record LoadDecision
{
    private LoadDecision(JobError? failure, IReadOnlyList<KeyValuePair<string, AttributeType>> newAttributeTypes)
    {
        Failure = failure;
        NewAttributeTypes = newAttributeTypes;
    }

    /// <summary>Why the load is discarded; null when it is applied.</summary>
    public JobError? Failure { get; }

    /// <summary>Attribute types first seen in this load, committed only when it is applied.</summary>
    public IReadOnlyList<KeyValuePair<string, AttributeType>> NewAttributeTypes { get; }

    public bool Applies => Failure is null;

    public static LoadDecision Apply(IReadOnlyList<KeyValuePair<string, AttributeType>> newAttributeTypes) => new(null, newAttributeTypes);

    public static LoadDecision Discard(JobError failure) => new(failure ?? throw new ArgumentNullException(nameof(failure)), []);
}
