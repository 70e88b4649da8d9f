using Intake.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Intake.Server.Errors;

/// <summary>
/// The one mapping from error codes to problem details: the code's kind decides the HTTP status, the
/// catalogue gives the title, and the stable code rides along as the <c>code</c> extension.
/// </summary>
public static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Unsupported => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorKind.UriTooLong => StatusCodes.Status414UriTooLong,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.InsufficientStorage => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The problem for <paramref name="code"/>; the framework adds the request's <c>trace_id</c> when it is written.</summary>
    public static ProblemDetails Create(string code, string detail, IReadOnlyDictionary<string, object?>? details = null)
    {
        var info = ErrorCodes.Describe(code);
        var problem = new ProblemDetails
        {
            Type = $"https://intake.dev/errors/{info.Code}",
            Title = info.Title,
            Status = StatusOf(info.Kind),
            Detail = detail,
        };
        problem.Extensions["code"] = info.Code;
        foreach (var (name, value) in details ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }

        return problem;
    }

    public static ProblemHttpResult Result(string code, string detail) => TypedResults.Problem(Create(code, detail));

    /// <summary>Writes the problem for <paramref name="code"/> as the response, for middleware that answers before any endpoint runs.</summary>
    public static async Task WriteAsync(HttpContext context, string code, string detail)
    {
        var problem = Create(code, detail);
        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    public static ProblemHttpResult Result(IntakeException exception) => TypedResults.Problem(Create(exception.Code, exception.Message, exception.Details));

    /// <summary>
    /// Gives the framework's own problems (an unknown route, a body that does not bind) a code from the
    /// catalogue too, so a client can always branch on <c>code</c>.
    /// </summary>
    public static void AddMissingCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var code = problem.Status switch
        {
            StatusCodes.Status404NotFound => ErrorCodes.RouteNotFound,
            StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
            StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedFormat,
            >= 400 and < 500 => ErrorCodes.InvalidRequest,
            _ => ErrorCodes.InternalError,
        };
        problem.Extensions["code"] = code;
        problem.Detail ??= ErrorCodes.Describe(code).Title;
    }
}
