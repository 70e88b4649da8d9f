using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Scheduling;

/// <summary>The background workers of one node, bound from the <c>Worker</c> section.</summary>
public sealed class WorkerOptions
{
    /// <summary>Jobs run at once on this node; different datasets load in parallel.</summary>
    [Range(1, 64)]
    public int Count { get; set; } = 2;

    /// <summary>How long a claimed job stays this node's without renewal; renewed every third of it.</summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often idle workers look for work when no wake-up arrives.</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Records per batch handed from the parser to the store. Three batches are in flight; at 32,768 a server's peak RSS
    /// over ten 1M-row loads was 305-334 MB, at 16,384 250-308 MB, at the same speed (ADR 2, "Round three").
    /// </summary>
    [Range(16, 1_000_000)]
    public int BatchSize { get; set; } = 16384;

    /// <summary>An identity for this node in leases; defaults to host name and process id.</summary>
    public string? NodeId { get; set; }

    /// <summary>The node's identity in leases, claims and traces.</summary>
    public string Node => NodeId ?? $"{Environment.MachineName}:{Environment.ProcessId}";
}
