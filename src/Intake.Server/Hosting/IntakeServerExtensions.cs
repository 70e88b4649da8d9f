using System.Text.Json;
using System.Text.Json.Serialization;
using Intake.Core;
using Intake.Core.Imports;
using Intake.Core.Scheduling;
using Intake.Core.Text;
using Intake.Core.Storage;
using Intake.Server.Api;
using Intake.Server.Api.Events;
using Intake.Server.Compat.DataBatch;
using Intake.Server.Compat.TableBatch;
using Intake.Core.Security;
using Intake.Server.Errors;
using Intake.Server.Security;
using Intake.Server.Webhooks;
using Intake.Core.Webhooks;
using Intake.Storage.Postgres;
using Intake.Storage.Sqlite;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Intake.Server.Hosting;

/// <summary>Composes the server: options, the store chosen once by <c>Storage:Provider</c>, the core, the workers and the HTTP plumbing.</summary>
internal static class IntakeServerExtensions
{
    /// <summary>Where the server listens when nothing else is configured: loopback only, since there are no keys yet.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddIntakeServer(this WebApplicationBuilder builder)
    {
        UseOwnSettingsFiles(builder);
        builder.Configuration.AddEnvironmentVariables("INTAKE_");

        // Request logs carry the full URL, and an upload URL's query is a capability token (#14): they stay off
        // whatever the configured levels, so no token reaches a log.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", level => level >= LogLevel.Warning);
        if (builder.Environment.IsProduction() && builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            // One line per request (with its query string) is for debugging; Intake's own job lines stay.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (string.IsNullOrEmpty(builder.Configuration["Security:MasterKey"]) && !string.IsNullOrEmpty(builder.Configuration["MASTER_KEY"]))
        {
            builder.Configuration["Security:MasterKey"] = builder.Configuration["MASTER_KEY"];
        }

        // The default applies only when nothing names an address; whatever does, ListenGuard judges what was bound.
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) &&
            string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        if (builder.Configuration["Telemetry:MetricsUrl"] is { Length: > 0 } metricsUrl)
        {
            builder.WebHost.UseUrls($"{builder.Configuration["urls"] ?? DefaultUrl};{metricsUrl}");
        }

        // Bodies are streamed to disk and limited by Limits:MaxFileBytes, which the import reports precisely.
        // Past the request-line limit Kestrel answers a bare 414; below it RequestLimits answers with problem details.
        builder.Services.UseReceiveBlockPool();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestLineSize = RequestLimits.MaxRequestLineBytes;
        });

        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration("Storage").ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration("Limits").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerOptions>().BindConfiguration("Worker").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UrlImportOptions>().BindConfiguration("UrlImports").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Intake.Core.Quality.QualityOptions>().BindConfiguration("Quality");
        services.AddOptions<SqliteOptions>().BindConfiguration("Sqlite");
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration("Security").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DataBatchOptions>().BindConfiguration("DataBatch").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TableBatchOptions>().BindConfiguration("TableBatch").ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<PostgresOptions>().BindConfiguration("Postgres");
        AddStore(builder.Configuration, services);
        services.AddIntakeCore();
        services.AddSingleton<ApiKeyService>();
        services.AddOptions<UploadTokenOptions>().BindConfiguration("Uploads").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UploadTokens>();
        services.AddOptions<PublicUrlOptions>().Configure<IConfiguration>((options, configuration) => options.PublicUrl = configuration["PublicUrl"])
            .Validate(options => options.IsValid, "PublicUrl must be an absolute http or https URL without a query, such as https://intake.example.com.")
            .ValidateOnStart();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<Api.UploadLinks>();
        services.AddIntakeRateLimiting();
        services.AddSingleton<DataBatchService>();
        services.AddSingleton<TableBatchService>();
        services.AddOptions<EventsOptions>().BindConfiguration("Events").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProgressFeeds>();
        services.AddOptions<BackPressureOptions>().BindConfiguration("BackPressure").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IWebhookPayloads, WebhookPayloads>();

        services.AddSingleton<ListenGuard>();
        services.AddHostedService(provider => provider.GetRequiredService<ListenGuard>());
        services.AddHostedService<StoreStartupService>();
        services.AddHostedService<JobWorkerService>();
        services.AddHostedService<MaintenanceService>();
        services.AddHostedService<WebhookDispatcherService>();

        builder.AddIntakeTelemetry(builder.Configuration["Worker:NodeId"] ?? $"{Environment.MachineName}:{Environment.ProcessId}");
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.AddMissingCode);
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();

        // A body or parameter that does not bind throws, so it reaches the one exception handler and gets a
        // precise detail and code instead of a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<IntakeExceptionHandler>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            json.SerializerOptions.Converters.Add(new NulRefusingStringConverter());

            // Text as itself (non-ASCII, quotes as \"): see JsonTextEncoder for what is still escaped and why.
            json.SerializerOptions.Encoder = JsonTextEncoder.Instance;

            // A body field the request type does not have is refused (unknown_parameter), never ignored.
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.AddOpenApi(openApi => openApi.AddOperationTransformer(DeclaredParametersInOpenApi.AddAsync));
        return builder;
    }

    /// <summary>
    /// Reads <c>appsettings*.json</c> from beside the server's assembly when the content root (the working
    /// directory, for <c>dotnet run --project</c> or a service manager) has none, so the server's own settings
    /// apply wherever it is started from. Environment variables and the command line still override them.
    /// </summary>
    private static void UseOwnSettingsFiles(WebApplicationBuilder builder)
    {
        var own = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")) || !File.Exists(Path.Combine(own, "appsettings.json")))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path, Optional = json.Optional, ReloadOnChange = json.ReloadOnChange, FileProvider = new PhysicalFileProvider(own),
                };
            }
        }
    }

    /// <summary>
    /// The store named by <c>Storage:Provider</c>. <c>INTAKE_POSTGRES</c> (a connection string) is the short way to
    /// choose PostgreSQL: it sets the provider and the connection string unless they are given explicitly.
    /// </summary>
    /// <remarks>
    /// The shipped appsettings.json must not name a provider: a default there counts as given explicitly, and
    /// <c>INTAKE_POSTGRES</c> was once silently ignored that way (the server ran on SQLite). Sqlite is this code's default.
    /// </remarks>
    private static void AddStore(ConfigurationManager configuration, IServiceCollection services)
    {
        if (!string.IsNullOrEmpty(configuration["POSTGRES"]))
        {
            configuration["Storage:Provider"] ??= "Postgres";
            configuration["Storage:ConnectionString"] ??= configuration["POSTGRES"];
        }

        var provider = configuration["Storage:Provider"] ?? "Sqlite";
        if (string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            services.AddIntakeSqlite();
        }
        else if (string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            services.AddIntakePostgres();
        }
        else
        {
            throw new InvalidOperationException($"Storage:Provider '{provider}' is not known; use Sqlite or Postgres.");
        }
    }

    public static WebApplication UseIntakeServer(this WebApplication app)
    {
        app.Use(app.Services.GetRequiredService<ListenGuard>().GateAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RequestLimits.EnforceAsync);
        app.UseMetricsListener();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<UnknownQueryParameterMiddleware>();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
