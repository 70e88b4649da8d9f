using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Webhooks;

/// <summary>Webhook delivery, bound from the <c>Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Private addresses webhooks may reach beside <c>UrlImports:AllowedAddresses</c> (IPs or CIDR blocks). Targets
    /// otherwise follow the URL-import rules: no private, loopback or link-local addresses.
    /// </summary>
    public List<string> AllowedAddresses { get; set; } = [];

    /// <summary>How long a receiver has to answer an attempt before it is cut off and counted as failed.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The first retry's delay; each later one doubles, up to <see cref="RetryMaxMilliseconds"/>, with jitter.</summary>
    [Range(10, 3_600_000)]
    public int RetryBaseMilliseconds { get; set; } = 10_000;

    [Range(10, 86_400_000)]
    public int RetryMaxMilliseconds { get; set; } = 3_600_000;

    /// <summary>How long after its event a delivery is retried before it is given up (failed).</summary>
    [Range(1, 10_080)]
    public int RetryForMinutes { get; set; } = 1440;

    /// <summary>How often idle senders look for due deliveries when no wake-up arrives.</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Deliveries sent at once by one node.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;
}
