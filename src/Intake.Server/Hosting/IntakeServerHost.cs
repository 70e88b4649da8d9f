using Intake.Server.Api;
using Intake.Server.Compat.DataBatch;
using Intake.Server.Compat.TableBatch;
using Intake.Server.WebConsole;

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
        var builder = WebApplication.CreateBuilder(ServerArguments.WithoutVerb(args));
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
    /// Runs the server until it stops; returns the process exit code: 0, or 1 when it refused to serve on the
    /// addresses it was given (<see cref="Security.ListenGuard"/>), a refusal that is logged, not thrown.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var guard = app.Services.GetRequiredService<Security.ListenGuard>();
        await ((IHost)app).RunAsync(cancellationToken);
        return guard.ExitCode;
    }
}
