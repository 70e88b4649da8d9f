using System.Globalization;
using System.Threading.RateLimiting;
using Intake.Core.Jobs;
using Intake.Core.Security;
using Intake.Server.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Intake.Server.Security;

/// <summary>
/// Token buckets per caller (the key, else the client address), one for status polling and one for everything
/// else. A refused request gets 429 with <c>Retry-After</c> and the code <c>rate_limited</c>. These run after
/// authentication; <see cref="AuthFailureLimiter"/> guards authentication itself.
/// </summary>
internal static class IntakeRateLimiting
{
    public static IServiceCollection AddIntakeRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration("RateLimits").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var caller = (context.Items[typeof(AuthResult)] as AuthResult)?.KeyId ?? ClientAddress(context);
        var polling = context.GetEndpoint()?.Metadata.GetMetadata<StatusPolling>() is not null;
        var (rate, burst) = polling ? (options.StatusRequestsPerSecond, options.StatusBurst) : (options.RequestsPerSecond, options.Burst);
        return RateLimitPartition.GetTokenBucketLimiter((polling ? "status:" : "all:") + caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        await WriteRejectedAsync(rejected.HttpContext, rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1),
            "Too many requests from this caller");

    /// <summary>The 429 of every limiter: <c>rate_limited</c> with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static async Task WriteRejectedAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, ErrorCodes.RateLimited, $"{reason}; retry after {seconds} s.");
    }

    /// <summary>The client's address as the connection sees it (behind a proxy, configure forwarded headers).</summary>
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
