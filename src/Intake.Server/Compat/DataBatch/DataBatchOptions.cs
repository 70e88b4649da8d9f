using System.ComponentModel.DataAnnotations;

namespace Intake.Server.Compat.DataBatch;

/// <summary>The data-batch API's settings, bound from the <c>DataBatch</c> section.</summary>
public sealed class DataBatchOptions
{
    /// <summary>The dataset every batch goes into; created on first use.</summary>
    [Required]
    public string DatasetId { get; set; } = "default";

    /// <summary>How long an upload waits for its batch to be loaded before answering with the counts so far (202).</summary>
    [Range(0, 3600)]
    public int WaitSeconds { get; set; } = 30;
}
