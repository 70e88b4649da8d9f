namespace Intake.Core.Quality;

/// <summary>Data-quality reports, bound from the <c>Quality</c> section.</summary>
public sealed class QualityOptions
{
    /// <summary>
    /// Whether each load computes and keeps its report (default true). Off, loads keep none (their quality shows no
    /// report, thresholds are not checked); the dataset's report on demand still works. Mostly for measuring what
    /// the reports cost (<c>bench/quality.sh</c>).
    /// </summary>
    public bool LoadReports { get; set; } = true;

    /// <summary>
    /// Memory for the id sets kept between loads (default 64 MiB): the entity ids and the ids interactions name, of
    /// the datasets loaded most recently, so that a dataset's next load checks against them without reading its
    /// records again. 0 keeps none.
    /// </summary>
    public int KeptIdMegabytes { get; set; } = 64;
}
