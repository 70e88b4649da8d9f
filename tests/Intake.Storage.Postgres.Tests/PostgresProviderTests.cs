using System.Collections.Concurrent;
using System.Text;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Intake.Storage.Compliance;
using Intake.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Intake.Storage.Postgres.Tests;

/// <summary>
/// What only the PostgreSQL store does: several nodes (here, separate data sources on one database) racing
/// for jobs, LISTEN/NOTIFY wake-ups and cancels, COPY loads invisible until commit, staged files in the database.
/// </summary>
public sealed class PostgresProviderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly List<PostgresDataSource> _nodes = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("intake_provider");
        await new PostgresStoreLifecycle(Jobs(Node()), TimeProvider.System).StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Nodes_racing_for_jobs_never_share_one_and_keep_each_datasets_order()
    {
        var enqueuer = Jobs(Node());
        var expected = new Dictionary<string, List<string>>();
        for (var i = 0; i < 30; i++)
        {
            var dataset = $"ds-{i % 3}";
            var job = await enqueuer.EnqueueAsync(JobKind.DeleteBatch, dataset, null, s_now, default);
            expected.TryAdd(dataset, []);
            expected[dataset].Add(job.Id);
        }

        var claims = new ConcurrentQueue<(string Worker, Job Job)>();
        var running = new ConcurrentDictionary<string, string>();
        var overlaps = 0;
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = Jobs(Node());
            var idle = 0;
            while (idle < 20)
            {
                var job = await store.ClaimNextAsync($"node-{w}", s_now, s_now.AddMinutes(5), default);
                if (job is null)
                {
                    idle++;
                    await Task.Delay(10);
                    continue;
                }

                idle = 0;
                if (!running.TryAdd(job.DatasetId, job.Id))
                {
                    Interlocked.Increment(ref overlaps);
                }

                claims.Enqueue(($"node-{w}", job));
                await Task.Delay(Random.Shared.Next(1, 5));
                running.TryRemove(job.DatasetId, out _);
                Assert.True(await store.TransitionAsync(job.Id, JobStatus.Completed, new JobTransitionDetails { WorkerId = $"node-{w}" }, s_now, default));
            }
        })).ToList();
        await Task.WhenAll(workers);

        Assert.Equal(0, overlaps);
        Assert.Equal(30, claims.Count);
        Assert.Equal(30, claims.Select(c => c.Job.Id).Distinct().Count());
        foreach (var (dataset, order) in expected)
        {
            Assert.Equal(order, claims.Where(c => c.Job.DatasetId == dataset).Select(c => c.Job.Id));
        }

        Assert.True(claims.Select(c => c.Worker).Distinct().Count() > 1);
    }

    [Fact]
    public async Task A_queued_job_wakes_listening_nodes_and_a_cancel_reaches_the_node_running_the_job()
    {
        var signal = new JobSignal();
        var running = new RunningJobs();
        using var listener = new PostgresNotificationListener(Node(), signal, running, NullLogger<PostgresNotificationListener>.Instance);
        var woken = signal.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, default);
        await listener.StartAsync(default);
        await woken;

        var other = Jobs(Node());
        var wake = signal.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, default);
        var job = await other.EnqueueAsync(JobKind.ClearData, "ds", null, s_now, default);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await wake;
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "the NOTIFY of a queued job arrives long before the 30 s poll");

        Assert.NotNull(await other.ClaimNextAsync("here", s_now, s_now.AddMinutes(5), default));
        using var registration = running.Register(job.Id, CancellationToken.None);
        var canceled = new TaskCompletionSource();
        registration.Token.Register(() => canceled.TrySetResult());

        Assert.True(await Jobs(Node()).RequestCancelAsync(job.Id, "elsewhere", default));

        await canceled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(registration.CancelRequested);
        await listener.StopAsync(default);
    }

    [Fact]
    public async Task A_copy_load_is_invisible_to_readers_until_it_commits_and_gone_if_abandoned()
    {
        var records = new PostgresRecordStore(Node());
        var reader = new PostgresRecordStore(Node());
        await using (var sink = await records.OpenSinkAsync(Request("imp-1", 1), default))
        {
            for (var part = 0; part < 5; part++)
            {
                await sink.WriteAsync(Interactions(part * 10_000, 10_000), default);
            }

            Assert.Equal(50_000, sink.Written);
            Assert.Equal(RecordCounts.Zero, await reader.CountAsync("ds", default));
            Assert.Empty(await reader.ExportAsync("ds", new ExportQuery(null, null, null, null), default).ToListAsync());
            await sink.MergeAsync(revocable: false, default);
            await sink.CommitAsync(LoadDecision.Apply([]), default);
        }

        Assert.Equal(new RecordCounts(0, 50_000), await reader.CountAsync("ds", default));

        await using (var abandoned = await records.OpenSinkAsync(Request("imp-2", 2), default))
        {
            await abandoned.WriteAsync(Interactions(100_000, 10_000), default);
        }

        Assert.Equal(new RecordCounts(0, 50_000), await reader.CountAsync("ds", default));
        Assert.Null(await reader.FindAppliedLoadAsync("ds", "imp-2", default));
        Assert.Equal(50_000, (await reader.ExportAsync("ds", new ExportQuery(RecordKind.Interaction, null, null, null), default).ToListAsync()).Count);
    }

    [Fact]
    public async Task Staged_files_are_stored_in_chunks_that_any_node_reads_back_whole()
    {
        var bytes = new byte[(3 << 20) + 12_345];
        new Random(7).NextBytes(bytes);
        var writerNode = new PostgresPayloadStore(Node(), TimeProvider.System);
        string id;
        await using (var writer = await writerNode.CreateAsync(default))
        {
            for (var at = 0; at < bytes.Length; at += 100_003)
            {
                await writer.Stream.WriteAsync(bytes.AsMemory(at, Math.Min(100_003, bytes.Length - at)));
            }

            Assert.Equal(bytes.Length, await writer.CommitAsync(default));
            id = writer.PayloadId;
        }

        await using (var abandoned = await writerNode.CreateAsync(default))
        {
            await abandoned.Stream.WriteAsync(bytes);
            await Assert.ThrowsAsync<FileNotFoundException>(() => writerNode.GetLengthAsync(abandoned.PayloadId, default));
        }

        var readerNode = new PostgresPayloadStore(Node(), TimeProvider.System);
        Assert.Equal(bytes.Length, await readerNode.GetLengthAsync(id, default));
        await using (var stream = await readerNode.OpenReadAsync(id, default))
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        await readerNode.DeleteAsync(id, default);
        await Assert.ThrowsAsync<FileNotFoundException>(() => readerNode.OpenReadAsync(id, default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7_999)]
    [InlineData(8_000)]
    [InlineData(8_001)]
    [InlineData(1 << 20)]
    public async Task A_staged_file_of_any_size_reads_back_whole(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var store = new PostgresPayloadStore(Node(), TimeProvider.System);
        string id;
        await using (var writer = await store.CreateAsync(default))
        {
            await writer.Stream.WriteAsync(bytes);
            Assert.Equal(size, await writer.CommitAsync(default));
            id = writer.PayloadId;
        }

        await using var stream = await store.OpenReadAsync(id, default);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_text_file_is_staged_compressed_and_a_file_staged_uncompressed_by_an_older_node_still_reads()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100_000).Select(i => $"view,u{i % 977},p{i % 313},2026-11-{1 + i % 28:00}T10:00:00Z,\n")));
        var store = new PostgresPayloadStore(Node(), TimeProvider.System);
        string id;
        await using (var writer = await store.CreateAsync(default))
        {
            await writer.Stream.WriteAsync(text);
            Assert.Equal(text.Length, await writer.CommitAsync(default));
            id = writer.PayloadId;
        }

        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using (var stored = new NpgsqlCommand(
            "SELECT p.encoding, p.length, sum(length(c.data))::bigint FROM payloads p JOIN payload_chunks c ON c.payload_id = p.id WHERE p.id = @id GROUP BY p.id;",
            connection))
        {
            stored.Parameters.AddWithValue("id", id);
            await using var row = await stored.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal("br", row.GetString(0));
            Assert.Equal(text.Length, row.GetInt64(1));
            Assert.True(row.GetInt64(2) < text.Length / 4, $"{row.GetInt64(2)} bytes stored for {text.Length}");
        }

        Assert.Equal(text, await ReadAllAsync(store, id));

        // An older node stored the file as it came, in chunks of up to 8,000 bytes, and no encoding.
        await using (var older = new NpgsqlCommand(
            """
            INSERT INTO payloads (id, length, created_at) VALUES ('older', @length, 0);
            INSERT INTO payload_chunks (payload_id, seq, data)
            SELECT 'older', n, substring(@bytes FROM n * 8000 + 1 FOR 8000) FROM generate_series(0, (@length::integer - 1) / 8000) n;
            """, connection))
        {
            older.Parameters.AddWithValue("length", (long)text.Length);
            older.Parameters.AddWithValue("bytes", text);
            await older.ExecuteNonQueryAsync();
        }

        Assert.Equal(text, await ReadAllAsync(store, "older"));
    }

    [Fact]
    public async Task A_staged_file_whose_database_copy_breaks_off_fails_its_commit_and_leaves_no_copy_anywhere()
    {
        var cache = Path.Combine(Path.GetTempPath(), "intake-tests", "cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new CachedPayloadStore(new PostgresPayloadStore(Node(), TimeProvider.System), cache, TimeProvider.System);
            var block = new byte[1 << 20];
            new Random(3).NextBytes(block);
            string id;
            await using (var writer = await store.CreateAsync(default))
            {
                id = writer.PayloadId;
                await writer.Stream.WriteAsync(block);
                await using (var connection = new NpgsqlConnection(_database.ConnectionString))
                {
                    await connection.OpenAsync();
                    await using var terminate = new NpgsqlCommand(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'COPY payload_chunks%' AND datname = current_database();",
                        connection);
                    Assert.Equal(1L, await terminate.ExecuteScalarAsync());
                }

                await Assert.ThrowsAnyAsync<Exception>(async () =>
                {
                    for (var i = 0; i < 16; i++)
                    {
                        await writer.Stream.WriteAsync(block);
                    }

                    await writer.CommitAsync(default);
                });
            }

            Assert.Empty(Directory.GetFiles(cache));
            await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync(id, default));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static async Task<byte[]> ReadAllAsync(PostgresPayloadStore store, string id)
    {
        await using var stream = await store.OpenReadAsync(id, default);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task The_receiving_node_reads_its_local_copy_and_other_nodes_read_the_database()
    {
        var cacheA = Path.Combine(Path.GetTempPath(), "intake-tests", "cache-" + Guid.NewGuid().ToString("N"));
        var cacheB = Path.Combine(Path.GetTempPath(), "intake-tests", "cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var nodeA = new CachedPayloadStore(new PostgresPayloadStore(Node(), TimeProvider.System), cacheA, TimeProvider.System);
            var nodeB = new CachedPayloadStore(new PostgresPayloadStore(Node(), TimeProvider.System), cacheB, TimeProvider.System);
            var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}\n")));
            string id;
            await using (var writer = await nodeA.CreateAsync(default))
            {
                await writer.Stream.WriteAsync(bytes);
                Assert.Equal(bytes.Length, await writer.CommitAsync(default));
                id = writer.PayloadId;
            }

            await using (var local = await nodeA.OpenReadAsync(id, default))
            {
                Assert.IsType<FileStream>(local);
            }

            await using (var remote = await nodeB.OpenReadAsync(id, default))
            {
                Assert.IsNotType<FileStream>(remote);
                var copy = new MemoryStream();
                await remote.CopyToAsync(copy);
                Assert.Equal(bytes, copy.ToArray());
            }

            await nodeA.DeleteAsync(id, default);
            Assert.Empty(Directory.GetFiles(cacheA));
            await Assert.ThrowsAsync<FileNotFoundException>(() => nodeB.OpenReadAsync(id, default));
        }
        finally
        {
            Directory.Delete(cacheA, recursive: true);
            Directory.Delete(cacheB, recursive: true);
        }
    }

    private PostgresDataSource Node()
    {
        var node = new PostgresDataSource(_database.ConnectionString);
        _nodes.Add(node);
        return node;
    }

    private static PostgresJobStore Jobs(PostgresDataSource node) => new(node, TimeProvider.System);

    private static LoadRequest Request(string importId, long seq) =>
        new("ds", importId, seq, BuiltInRecordTypes.Interaction, WriteMode.Upsert, 100);

    private static RecordBatch Interactions(int first, int count)
    {
        var batch = new RecordBatch(count, count * 96);
        var writer = new RecordWriter(BuiltInRecordTypes.Interaction, new AttributeTypeMap(), "ds", batch);
        for (var i = first; i < first + count; i++)
        {
            BuiltInRecordTypes.Interaction.MapJson(
                Encoding.UTF8.GetBytes($$"""{"type":"view","source_id":"u{{i % 977}}","target_id":"i{{i}}","timestamp":{{1_700_000_000_000L + i}}}"""), i + 2L, writer);
        }

        return batch;
    }
}
