using Intake.Server.Api;
using Intake.Server.Compat.DataBatch;
using Intake.Server.Compat.TableBatch;
using Intake.Server.WebConsole;
using Microsoft.Extensions.Options;

namespace Intake.Server.Hosting;

/// <summary>
/// The server's one entry point, shared by its own <c>Program</c> and by <c>intake serve</c>: builds the web
/// application from command-line arguments (the same options either way) with every endpoint mapped.
/// </summary>
public static class IntakeServerHost
{
    /// <summary>Builds the server; <paramref name="args"/> may start with the <c>serve</c> verb, which is dropped.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(ServerArguments.ForHost(args));
        builder.AddIntakeServer();

        var app = builder.Build();
        app.UseIntakeServer();
        app.MapOperationsEndpoints();
        app.MapIntakeMetrics();
        app.MapDatasetsEndpoints();
        app.MapImportsEndpoints();
        app.MapUploadsEndpoints();
        app.MapKeysEndpoints();
        app.MapJobsEndpoints();
        app.MapWebhooksEndpoints();
        app.MapRecordsEndpoints();
        app.MapDataBatchEndpoints();
        app.MapTableBatchEndpoints();
        app.MapConsole();
        return app;
    }

    /// <summary>
    /// Builds and runs the server until it stops; returns the process exit code: 0, or 1 when it could not start
    /// (an address in use, a setting that does not convert or validate) or refused to serve on the addresses
    /// it was given (<see cref="Security.ListenGuard"/>). Either is logged as one line naming the cause, not thrown.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (Exception exception) when (IsStartupFailure(exception))
        {
            await Console.Error.WriteLineAsync($"crit: Intake could not start: {exception.Message}");
            return 1;
        }

        await using (app)
        {
            var guard = app.Services.GetRequiredService<Security.ListenGuard>();
            try
            {
                await ((IHost)app).RunAsync(cancellationToken);
            }
            catch (Exception exception) when (IsStartupFailure(exception))
            {
                app.Logger.LogCritical("Intake could not start: {Reason}", exception.Message);
                return 1;
            }

            return guard.ExitCode;
        }
    }

    private static bool IsStartupFailure(Exception exception) =>
        exception is IOException or OptionsValidationException or InvalidOperationException or FormatException;
}
