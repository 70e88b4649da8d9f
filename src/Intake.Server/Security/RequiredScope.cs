using Intake.Core.Security;

namespace Intake.Server.Security;

/// <summary>
/// Endpoint metadata naming the scope a key needs. Without it, reads (GET, HEAD) need <c>read</c> and
/// everything else <c>write</c>; administrative endpoints ask for <c>admin</c> explicitly.
/// </summary>
public sealed record RequiredScope(ApiKeyScopes Scope);

/// <summary>Endpoint metadata for polling endpoints, which get their own, more generous rate limit.</summary>
public sealed record StatusPolling;

/// <summary>
/// Endpoint metadata for the PUT of an upload's file: a request there without a key may present the upload's
/// token in the <see cref="TokenParameter"/> query parameter instead (see <c>UploadTokens</c>).
/// </summary>
public sealed record UploadCapability
{
    public const string TokenParameter = "token";
}

public static class SecurityEndpointExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiKeyScopes scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredScope(scope));

    public static TBuilder IsStatusPolling<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new StatusPolling());
}
