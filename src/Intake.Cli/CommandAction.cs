using System.CommandLine;
using Intake.Client;
using Spectre.Console;

namespace Intake.Cli;

/// <summary>
/// The one wrapper every command runs in: it builds the context, and turns the expected failures into an exit
/// status and one <c>error &lt;code&gt;: &lt;message&gt;</c> line on stderr (also a JSON <c>error</c> object on stdout with
/// <c>--json</c>). Only bugs reach System.CommandLine's default handler.
/// </summary>
internal static class CommandAction
{
    public delegate Task<ExitCode> Handler(ParseResult result, CliContext context, CancellationToken cancellationToken);

    public static void Set(Command command, GlobalOptions globals, Handler handler) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CliContext.From(result, globals);
            return (int)await RunAsync(context, () => handler(result, context, cancellationToken), cancellationToken);
        });

    public static async Task<ExitCode> RunAsync(CliContext context, Func<Task<ExitCode>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted");
            return ExitCode.Interrupted;
        }
        catch (IntakeRequestException exception)
        {
            Report(context, exception.Code.Value, exception.Message, exception.Status, exception.TraceId);
            return ExitCode.Service;
        }
        catch (UsageException exception)
        {
            Report(context, "usage", exception.Message, null, null);
            return ExitCode.Usage;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Report(context, "usage", exception.Message, null, null);
            return ExitCode.Usage;
        }
    }

    public static void Report(CliContext context, string code, string message, int? status, string? traceId)
    {
        var trace = traceId is null ? "" : $" (trace id {traceId})";
        context.Error.Profile.Out.Writer.WriteLine($"error {code}: {message}{trace}");
        if (context.Json)
        {
            context.WriteJson(new { error = new { code, message, status = status is null or 0 ? null : status, trace_id = traceId } });
        }
    }
}
