using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Intake.Server.Security;

/// <summary>
/// A token bucket of failed authentications per client address, checked before a request is authenticated
/// (#14): an address that has spent its bucket on wrong keys, bad signatures or bad upload tokens gets 429
/// without its key being looked up or its body read, until the bucket refills. Requests that authenticate cost
/// nothing here (their key's own bucket limits them). Thread-safe; idle buckets are dropped by the limiter.
/// </summary>
internal sealed class AuthFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _refill;

    public AuthFailureLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        _refill = TimeSpan.FromSeconds(1.0 / settings.FailedAuthPerSecond);
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.FailedAuthBurst,
            TokensPerPeriod = settings.FailedAuthPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Null when <paramref name="address"/> may try to authenticate; otherwise how long it must wait.</summary>
    public TimeSpan? RetryAfter(string address) =>
        // Not AttemptAcquire(0): the bucket refills continuously, so it "succeeds" on a fraction of a token.
        _limiter.GetStatistics(address) is { CurrentAvailablePermits: 0 } ? _refill : null;

    /// <summary>Counts one failed authentication against <paramref name="address"/>.</summary>
    public void Failed(string address)
    {
        using var lease = _limiter.AttemptAcquire(address, 1);
    }

    public void Dispose() => _limiter.Dispose();
}
