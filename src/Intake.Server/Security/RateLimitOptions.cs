using System.ComponentModel.DataAnnotations;

namespace Intake.Server.Security;

/// <summary>Per-key (or, without a key, per-address) request rates, bound from the <c>RateLimits</c> section.</summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 50;

    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 200;

    /// <summary>Status polling (an import's or job's status) gets its own, more generous bucket.</summary>
    [Range(1, 1_000_000)]
    public int StatusRequestsPerSecond { get; set; } = 500;

    [Range(1, 1_000_000)]
    public int StatusBurst { get; set; } = 2000;
}
