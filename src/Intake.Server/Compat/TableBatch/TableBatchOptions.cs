using System.ComponentModel.DataAnnotations;

namespace Intake.Server.Compat.TableBatch;

/// <summary>The table-batch API's settings, bound from the <c>TableBatch</c> section.</summary>
public sealed class TableBatchOptions
{
    /// <summary>The account-wide dataset users live in, shared by every table; created on first use.</summary>
    [Required]
    public string UsersDatasetId { get; set; } = "users";
}
