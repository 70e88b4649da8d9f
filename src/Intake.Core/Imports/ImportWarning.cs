namespace Intake.Core.Imports;

/// <summary>
/// Something a load noticed and acted on without refusing the file, shown on the import so nothing happens
/// silently: <c>delimiter_detected</c>, <c>columns_ignored</c>, <c>no_records</c>, <c>dataset_changed_since_plan</c>,
/// <c>quality_threshold_crossed</c> (docs/api.md).
/// </summary>
public sealed record ImportWarning(string Code, string Message)
{
    public const string DelimiterDetected = "delimiter_detected";
    public const string ColumnsIgnored = "columns_ignored";
    public const string NoRecords = "no_records";

    /// <summary>An apply whose dataset changed after its plan was made: the file was checked again, and the counts may differ.</summary>
    public const string DatasetChangedSincePlan = "dataset_changed_since_plan";

    /// <summary>A load whose quality report crosses one of its dataset's quality thresholds.</summary>
    public const string QualityThresholdCrossed = "quality_threshold_crossed";
}
