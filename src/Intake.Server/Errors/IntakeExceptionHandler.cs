using Intake.Core.Jobs;
using Microsoft.AspNetCore.Diagnostics;

namespace Intake.Server.Errors;

/// <summary>
/// Turns exceptions that reach the pipeline into problem details: expected refusals keep their code; a
/// malformed request is a 400 (413 when too large); anything else is a 500 with a trace id and no stack trace.
/// </summary>
internal sealed partial class IntakeExceptionHandler(IProblemDetailsService problems, ILogger<IntakeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (code, detail) = exception switch
        {
            IntakeException intake => (intake.Code, intake.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad => (ErrorCodes.PayloadTooLarge, bad.Message),
            BadHttpRequestException bad => (ErrorCodes.InvalidRequest, bad.Message),
            _ => (ErrorCodes.InternalError, "An unexpected error occurred; its trace_id identifies it in the server log."),
        };

        if (code == ErrorCodes.InternalError)
        {
            LogUnexpected(exception, context.TraceIdentifier);
        }

        var problem = Problems.Create(code, detail);
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unexpected error in request {TraceId}")]
    private partial void LogUnexpected(Exception exception, string traceId);
}
