using Intake.Core.Jobs;
using Intake.Core.Storage;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

public abstract partial class RelationalJobStore
{
    public async Task<(long Dataset, long Total)> CountQueuedImportsAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT count(*), coalesce(sum(CASE WHEN dataset_id = @dataset THEN 1 ELSE 0 END), 0) FROM jobs
            WHERE status = 'queued' AND kind IN ('dataset_load', 'file_upload');
            """,
            ("@dataset", datasetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(0));
    }

    public async Task<QueueStats> GetQueueStatsAsync(CancellationToken cancellationToken)
    {
        var queued = new Dictionary<JobKind, long>();
        var running = new Dictionary<JobKind, long>();
        long? oldest = null;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT kind, status, count(*), min(queued_at) FROM jobs WHERE status IN ('queued', 'processing') GROUP BY kind, status;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!JobKindNames.TryParse(reader.GetString(0), out var kind))
            {
                continue;
            }

            if (reader.GetString(1) == "queued")
            {
                queued[kind] = reader.GetInt64(2);
                oldest = Math.Min(oldest ?? long.MaxValue, reader.GetInt64(3));
            }
            else
            {
                running[kind] = reader.GetInt64(2);
            }
        }

        return new QueueStats(queued, running, oldest is { } epoch ? FromEpoch(epoch) : null);
    }
}
