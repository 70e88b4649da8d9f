namespace Intake.Core.Imports;

/// <summary>
/// Something a load noticed and acted on without refusing the file, shown on the import so nothing happens
/// silently: <c>delimiter_detected</c>, <c>columns_ignored</c>, <c>no_records</c> (docs/api.md).
/// </summary>
public sealed record ImportWarning(string Code, string Message)
{
    public const string DelimiterDetected = "delimiter_detected";
    public const string ColumnsIgnored = "columns_ignored";
    public const string NoRecords = "no_records";
}
