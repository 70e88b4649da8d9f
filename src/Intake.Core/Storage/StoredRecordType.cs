namespace Intake.Core.Storage;

/// <summary>A dataset's custom record type as stored: its name and definition document (JSON).</summary>
public sealed record StoredRecordType(string Name, string Definition, DateTimeOffset UpdatedAt);
