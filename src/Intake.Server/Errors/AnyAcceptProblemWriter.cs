using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Intake.Server.Errors;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> whatever the request's <c>Accept</c> says. The framework's own
/// writer declines a request that accepts only, say, <c>text/csv</c> (an export), and the error then became an empty
/// 500 (from the exception handler) or a problem without its <c>trace_id</c>. Registered after the framework's
/// writer, so it only answers what that one declines, the same way: the code added, then the request's trace id.
/// </summary>
internal sealed class AnyAcceptProblemWriter(IOptions<ProblemDetailsOptions> problems, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        if (problem.Extensions.TryGetValue("code", out var code) && code is string known)
        {
            problem.Type ??= $"https://intake.dev/errors/{known}";
            problem.Title ??= Intake.Core.Jobs.ErrorCodes.Describe(known).Title;
        }

        problem.Extensions.TryAdd("trace_id", Activity.Current?.Id ?? http.TraceIdentifier);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
    }
}
