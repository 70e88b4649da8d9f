using Intake.Core.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Holds one connection that LISTENs for queued jobs (waking this node's idle workers at once) and for cancel
/// requests (stopping the job here if this node runs it). Workers still poll, so a lost notification or a
/// broken connection only costs one poll interval; the connection is re-opened after a failure.
/// </summary>
public sealed partial class PostgresNotificationListener(
    PostgresDataSource dataSource,
    JobSignal signal,
    RunningJobs running,
    ILogger<PostgresNotificationListener> logger) : BackgroundService
{
    private static readonly TimeSpan s_idleCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogListenFailed(exception);
                await Task.Delay(s_retryDelay, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenAsync(stoppingToken);
        connection.Notification += OnNotification;
        await connection.ExecuteAsync($"LISTEN {PostgresSql.JobsChannel}; LISTEN {PostgresSql.CancelChannel};", stoppingToken);

        // Work queued while this node was not listening is found by the workers' next poll; wake them anyway.
        signal.Notify();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(s_idleCheck, stoppingToken))
            {
                // Nothing for a while: make sure the connection is still alive rather than silently deaf.
                await connection.ExecuteAsync("SELECT 1;", stoppingToken);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (notification.Channel == PostgresSql.CancelChannel)
        {
            running.TryCancel(notification.Payload);
        }
        else
        {
            signal.Notify();
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Listening for job notifications failed; reconnecting")]
    private partial void LogListenFailed(Exception exception);
}
