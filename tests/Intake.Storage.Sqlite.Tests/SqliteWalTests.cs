using Intake.Core.Imports;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Intake.Storage.Sqlite.Tests;

/// <summary>
/// A load's pages are copied into the database by a checkpoint after its commit, so the next load restarts the WAL
/// instead of appending to it. Interactions written while their file is read hold a read transaction on the dataset
/// as it was; ended only after the commit, it kept the checkpoint from copying anything, and the WAL grew by a
/// whole load each time (1.2 GB after ten 1M-row loads).
/// </summary>
public sealed class SqliteWalTests : IDisposable
{
    private readonly TemporarySqliteStore _store = new("sqlite-wal", new SqliteOptions());
    private readonly SqliteDataSource _dataSource;
    private readonly SqliteRecordStore _records;

    public SqliteWalTests() => (_dataSource, _records) = (_store.DataSource, _store.Records);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task The_wal_stays_the_size_of_one_load_over_loads_of_interactions_in_time_order()
    {
        // Another test's clearing of the connection pools closes every pooled connection, and the last one closed
        // deletes the WAL: this one, outside the pool, keeps it (between statements it holds no snapshot back).
        await _records.CountAsync("ds", default);
        await using var keeper = new SqliteConnection($"Data Source={_dataSource.DatasetPath("ds")};Pooling=False");
        await keeper.OpenAsync();
        await using (var read = keeper.CreateCommand())
        {
            // SQLite opens the WAL at a connection's first read; the read's transaction ends with the statement.
            read.CommandText = "SELECT count(*) FROM counts";
            await read.ExecuteScalarAsync();
        }

        var sizes = new List<long>();
        for (var load = 0; load < 4; load++)
        {
            await using (var sink = await _records.OpenSinkAsync(
                new LoadRequest("ds", $"imp-{load}", load + 1, BuiltInRecordTypes.Interaction, WriteMode.Upsert, 1000), default))
            {
                for (var batch = 0; batch < 40; batch++)
                {
                    var first = ((load * 40) + batch) * 64;
                    await sink.WriteAsync(Batches.Build(BuiltInRecordTypes.Interaction, "ds", Enumerable.Range(first, 64).Select(n =>
                        $$$"""{"type":"view","source_id":"user-{{{n % 97}}}","target_id":"item-{{{n % 89}}}","timestamp":{{{1_000 + n}}},"metadata":{"page":"/p/{{{n}}}"}}""")), default);
                }

                await sink.MergeAsync(revocable: false, default);
                await sink.CommitAsync(LoadDecision.Apply([]), default);

                // As in a server, the checkpoint the commit started runs while the load still winds down.
                await _records.CheckpointedAsync("ds");
            }

            sizes.Add(new FileInfo(_dataSource.DatasetPath("ds") + "-wal").Length);
        }

        Assert.Equal(new RecordCounts(0, 4 * 40 * 64), await _records.CountAsync("ds", default));
        Assert.True(sizes[^1] < sizes[0] * 1.5, $"WAL after each load: {string.Join(", ", sizes)} bytes");
    }
}
