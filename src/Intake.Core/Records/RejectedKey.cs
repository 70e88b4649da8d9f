namespace Intake.Core.Records;

/// <summary>
/// The key of a rejected record whose key fields were all read before it was rejected. A <c>replace</c> load keeps
/// the stored record with this key instead of deleting it with the records the file did not contain.
/// </summary>
/// <param name="TargetId">The interaction's target; null for an entity.</param>
/// <param name="Timestamp">The interaction's time in epoch milliseconds; null for an entity.</param>
public readonly record struct RejectedKey(string Type, string Id, string? TargetId, long? Timestamp);
