using Intake.Core.Jobs;
using Intake.Core.Text;

namespace Intake.Server.Api;

/// <summary>
/// Endpoint metadata: query parameters an endpoint takes. The declarations of a group and of its endpoints add
/// up; an endpoint with at least one declaration (even an empty one, on its group) refuses every other query
/// parameter with <c>unknown_parameter</c>. Endpoints with none (health checks, static files) are not checked.
/// </summary>
public sealed record QueryParameters(IReadOnlyList<string> Names);

public static class DeclaredParameterExtensions
{
    /// <summary>
    /// Declares the query parameters this endpoint (or every endpoint of this group) takes; call it with no
    /// names on a group to make its endpoints refuse undeclared ones. JSON body fields are declared by the
    /// properties of the body's type (unmapped members are refused, see <see cref="UnknownParameters"/>).
    /// </summary>
    public static TBuilder TakesQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new QueryParameters(names));
}

/// <summary>Adds declared query parameters the handler reads itself (such as <c>tags</c>) to the OpenAPI document.</summary>
internal static class DeclaredParametersInOpenApi
{
    public static Task AddAsync(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<QueryParameters>().SelectMany(d => d.Names);
        foreach (var name in declared)
        {
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                {
                    Name = name,
                    In = Microsoft.OpenApi.ParameterLocation.Query,
                    Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
                });
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Refuses query parameters an endpoint did not declare (<see cref="QueryParameters"/>), before anything is read.</summary>
internal sealed class UnknownQueryParameterMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var declared = endpoint?.Metadata.GetOrderedMetadata<QueryParameters>();
        if (declared is { Count: > 0 } && context.Request.Query.Count > 0)
        {
            var allowed = declared.SelectMany(d => d.Names).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var name in context.Request.Query.Keys)
            {
                if (!allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw UnknownParameters.Refuse("query parameter", name, allowed, UnknownParameters.Describe(context, endpoint));
                }
            }
        }

        return next(context);
    }
}

/// <summary>The one refusal of a parameter or body field that an endpoint does not take, naming the nearest valid one.</summary>
internal static class UnknownParameters
{
    /// <summary>
    /// <c>unknown_parameter</c> for <paramref name="name"/>: the detail suggests the nearest of <paramref name="allowed"/>
    /// and lists them all; the problem carries <c>parameter</c>, <c>nearest</c> (or null) and <c>allowed</c>.
    /// </summary>
    /// <remarks><paramref name="path"/> is how the problem names a nested field (<c>destination.recordtype</c>).</remarks>
    public static IntakeException Refuse(string what, string name, IReadOnlyCollection<string> allowed, string where, string? path = null)
    {
        var nearest = NearestName.Find(name, allowed);
        var message = $"Unknown {what} '{path ?? name}'" + (nearest is null ? "." : $"; did you mean '{nearest}'?") +
            (allowed.Count == 0 ? $" {where} takes no {what}s." : $" {where} takes {string.Join(", ", allowed)}.");
        return new IntakeException(ErrorCodes.UnknownParameter, message)
        {
            Details = new Dictionary<string, object?> { ["parameter"] = path ?? name, ["nearest"] = nearest, ["allowed"] = allowed },
        };
    }

    /// <summary>The endpoint as a user reads it in the docs: <c>POST /v1/datasets/{id}/imports</c>.</summary>
    public static string Describe(HttpContext context, Endpoint? endpoint)
    {
        var path = ((endpoint as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "").TrimEnd('/');
        return $"{context.Request.Method} {(path.Length > 0 ? path : "/")}";
    }
}
