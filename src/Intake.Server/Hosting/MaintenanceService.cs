using Intake.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace Intake.Server.Hosting;

/// <summary>Runs the housekeeping operations every <see cref="RetentionOptions.IntervalMinutes"/> minutes.</summary>
internal sealed partial class MaintenanceService(
    IEnumerable<IMaintenanceOperation> operations,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<MaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.IntervalMinutes), time);
        try
        {
            await RunPassesAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, possibly before the server finished starting (an address in use): not a failure.
        }
    }

    private async Task RunPassesAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            foreach (var operation in operations)
            {
                try
                {
                    var removed = await operation.RunAsync(time.GetUtcNow(), stoppingToken);
                    LogRan(operation.Description, removed);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Housekeeping that fails now is retried at the next pass; the service itself must not stop.
                    LogFailed(exception, operation.Description);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Maintenance: {Operation}: {Removed} removed")]
    private partial void LogRan(string operation, int removed);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Maintenance failed: {Operation}")]
    private partial void LogFailed(Exception exception, string operation);
}
