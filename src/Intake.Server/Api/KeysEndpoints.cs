using Intake.Core.Jobs;
using Intake.Core.Security;
using Intake.Server.Errors;
using Intake.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

/// <summary>API keys (admin): a key's secret is shown once, when it is created, and stored only as a hash.</summary>
public static class KeysEndpoints
{
    public static IEndpointRouteBuilder MapKeysEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/keys").WithTags("Keys").RequireScope(ApiKeyScopes.Admin).TakesQuery();
        api.MapPost("/", CreateKeyAsync).WithName("CreateKey").WithSummary("Create a key; its secret is in this response only.");
        api.MapGet("/", ListKeysAsync).WithName("ListKeys").WithSummary("Every key, without secrets.");
        api.MapDelete("/{id}", RevokeKeyAsync).WithName("RevokeKey").WithSummary("Revoke a key.");

        // Any caller may ask what it may do; the console shows only the actions its key's scopes allow.
        app.MapGet("/v1/me", GetCaller).WithTags("Keys").WithName("GetCaller")
            .WithSummary("The key this request was made with, its scopes, and whether the server runs in development mode.")
            .RequireScope(ApiKeyScopes.None).TakesQuery();
        return app;
    }

    public static Ok<CallerDto> GetCaller(HttpContext context, ApiKeyService keys)
    {
        var caller = context.Items[typeof(AuthResult)] as AuthResult ?? AuthResult.Development;
        return TypedResults.Ok(new CallerDto(caller.KeyId, caller.Scopes.ToWire(), keys.DevelopmentMode));
    }

    /// <summary>Who is calling: a key id (<c>master</c> for the master key; null without a key in development mode) and its scopes.</summary>
    public sealed record CallerDto(string? KeyId, IReadOnlyList<string> Scopes, bool DevelopmentMode);

    public static async Task<Results<Created<CreatedKeyDto>, ProblemHttpResult>> CreateKeyAsync(CreateKeyRequest request, ApiKeyService keys,
        CancellationToken cancellationToken)
    {
        if (!ApiKeyScopeNames.TryParse(request.Scopes ?? [], out var scopes))
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "scopes must list one or more of read, write, admin.");
        }

        var (key, secret) = await keys.CreateAsync(request.Name ?? "", scopes, request.Signed, cancellationToken);
        return TypedResults.Created($"/v1/keys/{key.Id}", new CreatedKeyDto(key.Id, key.Name, key.Scopes.ToWire(), key.Signed, key.CreatedAt, secret));
    }

    public static async Task<Ok<IReadOnlyList<KeyDto>>> ListKeysAsync(ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<KeyDto>>((await keys.ListAsync(cancellationToken)).Select(KeyDto.From).ToList());

    public static async Task<NoContent> RevokeKeyAsync(string id, ApiKeyService keys, CancellationToken cancellationToken)
    {
        await keys.RevokeAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Scopes, bool Signed);

    public sealed record CreatedKeyDto(string Id, string Name, IReadOnlyList<string> Scopes, bool Signed, DateTimeOffset CreatedAt, string Secret);

    public sealed record KeyDto(string Id, string Name, IReadOnlyList<string> Scopes, bool Signed, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
    {
        public static KeyDto From(ApiKey key) => new(key.Id, key.Name, key.Scopes.ToWire(), key.Signed, key.CreatedAt, key.RevokedAt);
    }
}
