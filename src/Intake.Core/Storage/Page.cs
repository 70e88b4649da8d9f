namespace Intake.Core.Storage;

/// <summary>One page of a list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Which page to read: at most <see cref="Limit"/> items after the opaque <see cref="Cursor"/>.</summary>
public sealed record PageRequest(int Limit = 100, string? Cursor = null);
