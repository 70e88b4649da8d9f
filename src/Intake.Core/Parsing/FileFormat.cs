namespace Intake.Core.Parsing;

/// <summary>The record formats an import can read.</summary>
public enum FileFormat
{
    Csv,
    Json,
    Ndjson,
}
