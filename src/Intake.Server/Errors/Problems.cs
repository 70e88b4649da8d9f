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
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails Create(string code, string detail, HttpContext? context = null)
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
        if (context is not null)
        {
            problem.Extensions["traceId"] = context.TraceIdentifier;
        }

        return problem;
    }

    public static ProblemHttpResult Result(string code, string detail) => TypedResults.Problem(Create(code, detail));

    public static ProblemHttpResult Result(IntakeException exception) => Result(exception.Code, exception.Message);
}
