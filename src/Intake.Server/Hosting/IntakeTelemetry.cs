using System.ComponentModel.DataAnnotations;
using Intake.Core.Scheduling;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Intake.Server.Hosting;

/// <summary>Metrics and traces, bound from the <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// A separate listener for <c>/metrics</c> (e.g. <c>http://127.0.0.1:9464</c>); unset serves it beside the API.
    /// On that listener nothing but <c>/metrics</c> answers. The <c>read</c> scope is needed either way when a master key is set.
    /// </summary>
    public string? MetricsUrl { get; set; }

    /// <summary>
    /// An OTLP collector to export metrics and traces to (e.g. <c>http://collector:4317</c> for gRPC, or the base URL
    /// <c>http://collector:4318</c> for HTTP, to which <c>/v1/traces</c> and <c>/v1/metrics</c> are added); unset exports nothing.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// How often metrics are exported over OTLP, and so how often the queue gauges are sampled for it (a Prometheus
    /// scrape samples them itself); finished spans are sent at most this long after they end too.
    /// </summary>
    [Range(1, 3600)]
    public int OtlpIntervalSeconds { get; set; } = 15;
}

/// <summary>
/// OpenTelemetry wiring, the server's one place for it (STYLE 4.10, as eShop's service defaults): the <c>Intake</c>
/// meter with ASP.NET Core and runtime metrics, scraped as Prometheus text at <c>/metrics</c>; OTLP export of
/// metrics and of the <c>Intake</c> traces when an endpoint is configured. See ADR 0008.
/// </summary>
internal static class IntakeTelemetry
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddIntakeTelemetry(this WebApplicationBuilder builder, string workerNode)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration("Telemetry").ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = string.IsNullOrEmpty(options.OtlpEndpoint) ? null : new Uri(options.OtlpEndpoint);

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("intake", serviceInstanceId: workerNode))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(IntakeMetrics.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation()
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        Configure(exporter, otlp, options, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.OtlpIntervalSeconds * 1000;
                    });
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(IntakeMetrics.Name).AddAspNetCoreInstrumentation()
                .AddOtlpExporter(exporter =>
                {
                    Configure(exporter, otlp, options, "v1/traces");
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = Math.Min(options.OtlpIntervalSeconds, 5) * 1000;
                }));
            services.AddHostedService<QueueSampler>();
        }

        return builder;
    }

    /// <summary>Serves <c>/metrics</c>, sampling the queue gauges from the store just before each scrape.</summary>
    public static WebApplication MapIntakeMetrics(this WebApplication app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            await context.RequestServices.GetRequiredService<QueueGauges>().RefreshAsync(context.RequestAborted);
            await next(context);
        }), optionsName: null);
        endpoint.WithTags("Operations").WithName("GetMetrics").WithSummary("Prometheus text-format metrics.");
        if (MetricsPort(app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value) is { } port)
        {
            endpoint.RequireHost($"*:{port}");
        }

        return app;
    }

    /// <summary>The separate metrics listener answers nothing but <c>/metrics</c>.</summary>
    public static WebApplication UseMetricsListener(this WebApplication app)
    {
        if (MetricsPort(app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value) is { } port)
        {
            app.Use(async (context, next) =>
            {
                if (context.Connection.LocalPort == port && !context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next(context);
            });
        }

        return app;
    }

    public static int? MetricsPort(TelemetryOptions options) =>
        string.IsNullOrEmpty(options.MetricsUrl) ? null : new Uri(options.MetricsUrl.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal)).Port;

    /// <summary>
    /// An endpoint set in code is used as it is (only the environment variables get the signal's path added), so an
    /// HTTP collector's base URL gets <paramref name="signalPath"/> here; gRPC routes by service, not by path.
    /// </summary>
    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, TelemetryOptions options, string signalPath)
    {
        var grpc = options.OtlpProtocol == "grpc";
        exporter.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }
}

/// <summary>Samples the queue gauges for OTLP export, which reads them on its own schedule.</summary>
internal sealed partial class QueueSampler(QueueGauges gauges, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<QueueSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.OtlpIntervalSeconds), time);
        do
        {
            try
            {
                await gauges.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The gauges keep their last sample until the store answers again.
                LogSampleFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "Sampling the job queue for metrics failed")]
    private partial void LogSampleFailed(Exception exception);
}
