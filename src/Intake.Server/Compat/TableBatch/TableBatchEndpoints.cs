using Intake.Server.Api;
using Intake.Server.Security;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Compat.TableBatch;

/// <summary>
/// The table-batch API under <c>/v2/recomm</c>: upload by URL, status with the elements not added, cancel
/// while queued. The <c>X-Sherpa-*</c> headers are the key middleware's signed-request headers.
/// </summary>
public static class TableBatchEndpoints
{
    public static IEndpointRouteBuilder MapTableBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v2/recomm").WithTags("Table-batch API").TakesQuery();
        api.MapPost("/{tableId}/items/batch", SubmitItemsAsync).WithName("TableBatchItems").WithSummary("Import items from a URL.").TakesQuery("url", "format");
        api.MapPost("/users/batch", SubmitUsersAsync).WithName("TableBatchUsers").WithSummary("Import users (shared by every table) from a URL.").TakesQuery("url", "format");
        api.MapPost("/{tableId}/interactions/batch", SubmitInteractionsAsync).WithName("TableBatchInteractions").WithSummary("Import user-item interactions from a URL.").TakesQuery("url", "format");
        foreach (var path in new[] { "/{tableId}/items/batch/{requestId}", "/users/batch/{requestId}", "/{tableId}/interactions/batch/{requestId}" })
        {
            api.MapGet(path, GetRequestAsync).WithSummary("The status of a batch request and the elements not added.").IsStatusPolling();
            api.MapDelete(path, CancelRequestAsync).WithSummary("Cancel a queued batch request.");
        }

        return app;
    }

    public static async Task<Accepted<BatchRequestDto>> SubmitItemsAsync(string tableId, HttpRequest request, TableBatchService batches,
        CancellationToken cancellationToken) =>
        Accepted(await batches.SubmitAsync(BatchElement.Items, tableId, await ReadRequestAsync(request, cancellationToken), cancellationToken));

    public static async Task<Accepted<BatchRequestDto>> SubmitUsersAsync(HttpRequest request, TableBatchService batches, CancellationToken cancellationToken) =>
        Accepted(await batches.SubmitAsync(BatchElement.Users, null, await ReadRequestAsync(request, cancellationToken), cancellationToken));

    public static async Task<Accepted<BatchRequestDto>> SubmitInteractionsAsync(string tableId, HttpRequest request, TableBatchService batches,
        CancellationToken cancellationToken) =>
        Accepted(await batches.SubmitAsync(BatchElement.Interactions, tableId, await ReadRequestAsync(request, cancellationToken), cancellationToken));

    public static async Task<Ok<BatchRequestDto>> GetRequestAsync(string requestId, HttpRequest request, TableBatchService batches,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await batches.GetAsync(TableOf(request), requestId, cancellationToken));

    public static async Task<Ok<BatchRequestDto>> CancelRequestAsync(string requestId, HttpRequest request, TableBatchService batches,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await batches.CancelAsync(TableOf(request), requestId, cancellationToken));

    private static Accepted<BatchRequestDto> Accepted(BatchRequestDto dto) => TypedResults.Accepted((string?)null, dto);

    private static string? TableOf(HttpRequest request) => request.RouteValues.TryGetValue("tableId", out var table) ? table as string : null;

    /// <summary>The document sends <c>{url, format}</c> as a JSON body, the query string, or both; the body wins.</summary>
    private static async Task<BatchUploadRequest> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        BatchUploadRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<BatchUploadRequest>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException exception)
            {
                throw new Core.Jobs.IntakeException(Core.Jobs.ErrorCodes.InvalidRequest, $"The request body is not the JSON {{\"url\": …, \"format\": …}}: {exception.Message}");
            }
        }

        return new BatchUploadRequest(body?.Url ?? request.Query["url"].FirstOrDefault(), body?.Format ?? request.Query["format"].FirstOrDefault());
    }
}
