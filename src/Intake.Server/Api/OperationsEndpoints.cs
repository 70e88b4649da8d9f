using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealth).WithName("GetHealth").WithSummary("The process is alive.").WithTags("Operations").AllowAnonymous();
        app.MapGet("/ready", GetReadyAsync).WithName("GetReady").WithSummary("The store is reachable and migrated.").WithTags("Operations").AllowAnonymous();
        return app;
    }

    public static Ok<StatusDto> GetHealth() => TypedResults.Ok(new StatusDto("alive"));

    public static async Task<Results<Ok<StatusDto>, ProblemHttpResult>> GetReadyAsync(IStoreLifecycle store, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.IsReadyAsync(cancellationToken))
            {
                return TypedResults.Ok(new StatusDto("ready"));
            }

            return Problems.Result(ErrorCodes.StoreUnavailable, "The store's schema is not current yet.");
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or TimeoutException)
        {
            return Problems.Result(ErrorCodes.StoreUnavailable, $"The store is not reachable: {exception.Message}");
        }
    }

    public sealed record StatusDto(string Status);
}
