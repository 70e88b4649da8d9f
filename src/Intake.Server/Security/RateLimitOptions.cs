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

    /// <summary>
    /// Failed authentications a client address may make in a burst, and how many it regains per second; once they
    /// are spent, the address gets 429 before any authentication is tried (#14).
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedAuthBurst { get; set; } = 100;

    [Range(1, 1_000_000)]
    public int FailedAuthPerSecond { get; set; } = 10;
}
