namespace Intake.Core.Records.BuiltIn;

/// <summary>The record types every dataset has, and the ones the data-batch header detection chooses from.</summary>
public static class BuiltInRecordTypes
{
    public static EntityRecordType Entity { get; } = new();

    public static InteractionRecordType Interaction { get; } = new();

    public static TableInteractionRecordType UserItemInteraction { get; } = new();

    /// <summary>Candidates for <c>auto</c>: an entity header, else an interaction header.</summary>
    public static IReadOnlyList<RecordType> AutoCandidates { get; } = [Entity, Interaction];

    public static IReadOnlyList<RecordType> All { get; } =
        [Entity, Interaction, TableEntityRecordType.Item, TableEntityRecordType.User, UserItemInteraction];
}
