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
        if (exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json } &&
            BodyErrors.Describe(context, context.Features.Get<IExceptionHandlerFeature>()?.Endpoint, json) is { } bodyError)
        {
            exception = bodyError;
        }

        var (code, detail, details) = exception switch
        {
            IntakeException intake => (intake.Code, intake.Message, intake.Details),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad => (ErrorCodes.PayloadTooLarge, bad.Message, null),
            BadHttpRequestException bad => (ErrorCodes.InvalidRequest,
                BindingErrors.Describe(bad.Message, Api.UnknownParameters.Describe(context, context.Features.Get<IExceptionHandlerFeature>()?.Endpoint)) ?? bad.Message,
                null),
            _ => (ErrorCodes.InternalError, "An unexpected error occurred; its trace_id identifies it in the server log.", null),
        };

        if (code == ErrorCodes.InternalError)
        {
            // The same id the problem's trace_id carries (the framework writes the activity's id when there is one), so the
            // id a client reports finds this line.
            LogUnexpected(exception, System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
        }

        var problem = Problems.Create(code, detail, details);
        context.Response.StatusCode = problem.Status!.Value;
        if (exception is IntakeException { RetryAfter: { } retryAfter })
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unexpected error in request {TraceId}")]
    private partial void LogUnexpected(Exception exception, string traceId);
}
