using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Intake.Server.Tests.Infrastructure;
using Intake.Storage.Postgres;
using Intake.Tests.Shared;
using Npgsql;
using Xunit.Abstractions;

namespace Intake.Server.Tests;

/// <summary>
/// Three server processes on one PostgreSQL database. Issue 4's acceptance: they share 30 imports over 3 datasets,
/// and one of them is killed (SIGKILL) while it loads. Issue 10's (in <c>ClusterTests.Operations.cs</c>): a load
/// canceled through another node while a live-progress stream on that node follows it, and webhooks sent once per attempt.
/// </summary>
public sealed partial class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int NodeCount = 3;
    private const int DatasetCount = 3;
    private const int FilesPerDataset = 10;

    // One file per dataset is large; files after it overwrite part of it, so a redo that ran out of order would show in
    // the final state. The first dataset's large file is the load that is killed: a seed import gives that dataset one
    // entity of the large file, and the test holds that row locked, so the large file's merge waits there, claimed and
    // uncommitted, until its node is killed. (Polling for a load in the first half of its file raced the load: a CI
    // run on a faster machine saw all three large loads pass half their file between two polls.)
    private const int LargeFile = 8;
    private const int LargeFileExtraEntities = 50_000;

    private static readonly TimeSpan s_clusterWaitLimit = TimeSpan.FromMinutes(3);

    private readonly List<string> _dataDirectories = [];
    private readonly ServerProcess?[] _nodes = new ServerProcess?[NodeCount];
    private readonly IntakeClient[] _clients = new IntakeClient[NodeCount];
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("intake_cluster");

        // Started together, so the migrations' lock is what keeps three first starts on an empty database apart.
        var starts = Enumerable.Range(0, NodeCount).Select(StartNodeAsync).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            // xunit does not dispose a test class whose InitializeAsync failed: stop the nodes that did start.
            foreach (var started in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            await _database.DisposeAsync();
            throw;
        }

        for (var node = 0; node < NodeCount; node++)
        {
            _nodes[node] = starts[node].Result;
            _clients[node] = _nodes[node]!.CreateClient();
        }
    }

    [Fact]
    public async Task Three_nodes_share_thirty_imports_and_a_killed_nodes_load_is_finished_by_another_in_order()
    {
        var datasets = Enumerable.Range(0, DatasetCount).Select(d => $"cluster-{d}").ToList();
        for (var d = 0; d < DatasetCount; d++)
        {
            await Client(d % NodeCount).CreateDatasetAsync(datasets[d]);
        }

        var files = new Dictionary<string, EntityFile>();
        var submitted = datasets.ToDictionary(d => d, _ => new List<string>());
        var seed = new EntityFile(LargeFile, 0, SeedOnly: true);
        var seedImport = (string)(await Client(0).UploadAsync(datasets[0], seed.ToCsv()))["id"]!;
        files.Add(seedImport, seed);
        submitted[datasets[0]].Add(seedImport);
        Assert.Equal("completed", (string)(await WaitForFinalAsync(Client(0), seedImport))["status"]!);
        await using var heldRow = await EntityRowLock.TakeAsync(_database!.ConnectionString, datasets[0], seed.Ids().Single());

        // Submitted one after another, round-robin over datasets and nodes: every dataset goes through every node.
        for (var i = 0; i < DatasetCount * FilesPerDataset; i++)
        {
            var (d, k) = (i % DatasetCount, i / DatasetCount);
            var file = new EntityFile(k, k == LargeFile ? LargeFileExtraEntities : 0);
            var import = await Client((d + k) % NodeCount).UploadAsync(datasets[d], file.ToCsv());
            files.Add((string)import["id"]!, file);
            submitted[datasets[d]].Add((string)import["id"]!);
        }

        var caughtImport = submitted[datasets[0]].Single(id => files[id] is { Index: LargeFile, SeedOnly: false });
        var (caughtLoadJob, killedNode) = await CatchTheHeldLoadAsync(heldRow, caughtImport);
        await _nodes[killedNode]!.KillAsync();
        _nodes[killedNode] = null;
        await heldRow.DisposeAsync();

        var survivor = Enumerable.Range(0, NodeCount).First(n => _nodes[n] is not null);
        var client = Client(survivor);

        foreach (var importId in files.Keys)
        {
            var done = await WaitForFinalAsync(client, importId);
            Assert.True(
                (string)done["status"]! == "completed",
                $"Import {importId} ({datasets.Single(d => submitted[d].Contains(importId))}, file {files[importId].Index}) ended {(string)done["status"]!}: {done.ToJsonString()}");
        }

        var load = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{caughtLoadJob}"))!;
        var history = load["history"]!.AsArray().Select(h => (Status: (string)h!["status"]!, Reason: (string?)h["reason"])).ToList();
        var described = $"load job {caughtLoadJob} of import {caughtImport} (node-{killedNode} was killed): {load.ToJsonString()}";
        Assert.True((int)load["attempts"]! >= 2, described);
        var killedClaim = history.FindIndex(h => h.Status == "processing" && ClaimingNode(h.Reason) == NodeId(killedNode));
        Assert.True(killedClaim >= 0, "No claim by the killed node in the history of " + described);
        var redelivery = history.FindIndex(killedClaim, h => h.Status == "queued" && h.Reason?.Contains("redelivered", StringComparison.Ordinal) == true);
        Assert.True(redelivery > killedClaim, "No redelivery after the killed node's claim in " + described);
        var finisher = history.FindLastIndex(h => h.Status == "processing");
        Assert.True(finisher > redelivery, "No claim after the redelivery in " + described);
        Assert.NotEqual(NodeId(killedNode), ClaimingNode(history[finisher].Reason));
        Assert.Contains(ClaimingNode(history[finisher].Reason), Enumerable.Range(0, NodeCount).Where(n => _nodes[n] is not null).Select(NodeId));
        Assert.Equal("completed", history[^1].Status);

        foreach (var dataset in datasets)
        {
            await AssertFinalStateAsync(client, dataset, submitted[dataset], files);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        foreach (var directory in _dataDirectories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Staged files live in PostgreSQL, so a node may never have created its directory.
            }
        }
    }

    /// <summary>
    /// Waits until the load of <paramref name="importId"/> is blocked by <paramref name="heldRow"/>; returns its load job
    /// and the node that claimed it.
    /// </summary>
    private async Task<(string LoadJobId, int Node)> CatchTheHeldLoadAsync(EntityRowLock heldRow, string importId)
    {
        var deadline = DateTime.UtcNow + s_clusterWaitLimit;
        while (await heldRow.WaitingSessionsAsync() == 0)
        {
            var status = (string)(await Client(0).GetImportAsync(importId))["status"]!;
            Assert.False(IntakeClient.IsFinal(status), $"Import {importId} ended {status} without waiting for the entity row the test holds locked.");
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No load waited for the entity row the test holds locked; import {importId} is {status}.");
            }

            await Task.Delay(50);
        }

        var import = await Client(0).GetImportAsync(importId);
        Assert.True((string)import["status"]! == "processing", $"A session waits for the held row, but import {importId} is not processing: {import.ToJsonString()}");
        var loadJobId = (string)import["jobs"]!["dataset_load"]!;
        return (loadJobId, await ClaimingNodeAsync(loadJobId));
    }

    /// <summary>The node whose claim of a processing job is the last in its history.</summary>
    private async Task<int> ClaimingNodeAsync(string jobId)
    {
        var job = (await Client(0).Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}"))!;
        var claim = job["history"]!.AsArray().LastOrDefault(h => (string)h!["status"]! == "processing");
        var node = ClaimingNode((string?)claim?["reason"]);
        var index = Enumerable.Range(0, NodeCount).FirstOrDefault(n => NodeId(n) == node, -1);
        Assert.True(index >= 0, $"The processing job's history does not say which node claimed it (expected 'claimed by node-N/slot'): {job.ToJsonString()}");
        return index;
    }

    /// <summary>
    /// The dataset's export equals applying its files in the order the imports were accepted: each key once,
    /// with the name and the import of the last file that wrote it.
    /// </summary>
    private static async Task AssertFinalStateAsync(IntakeClient client, string dataset, IReadOnlyList<string> submitted, IReadOnlyDictionary<string, EntityFile> files)
    {
        var listed = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/imports?dataset={dataset}&limit=100"))!;
        var accepted = listed["items"]!.AsArray().Select(i => (string)i!["id"]!).Reverse().ToList();
        Assert.Equal(submitted, accepted);

        var expected = new Dictionary<string, (string Name, string ImportId)>();
        foreach (var importId in accepted)
        {
            var file = files[importId];
            foreach (var id in file.Ids())
            {
                expected[id] = (file.Name, importId);
            }
        }

        var seen = new HashSet<string>();
        var wrong = new List<string>();
        await using (var export = await client.Http.GetStreamAsync($"/v1/datasets/{dataset}/export?kind=entity"))
        using (var reader = new StreamReader(export))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var record = JsonDocument.Parse(line);
                var id = record.RootElement.GetProperty("id").GetString()!;
                Assert.True(seen.Add(id), $"Entity {id} of {dataset} is exported twice.");
                var name = record.RootElement.GetProperty("name").GetString();
                var batch = record.RootElement.GetProperty("batch_id").GetString();
                if (!expected.TryGetValue(id, out var want))
                {
                    wrong.Add($"{id}: not in any file");
                }
                else if (name != want.Name || batch != want.ImportId)
                {
                    wrong.Add($"{id}: {name} from {batch}, expected {want.Name} from {want.ImportId}");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} entities of {dataset} differ from applying its files in order, e.g.\n{string.Join('\n', wrong.Take(10))}");
        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected.Count, (long)(await client.CountsAsync(dataset))["entities"]!);
    }

    private static async Task<JsonObject> WaitForFinalAsync(IntakeClient client, string importId)
    {
        var deadline = DateTime.UtcNow + s_clusterWaitLimit;
        while (true)
        {
            var import = await client.GetImportAsync(importId);
            if (IntakeClient.IsFinal((string)import["status"]!))
            {
                return import;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Import {importId} is still {(string)import["status"]!}: {import.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<ServerProcess> StartNodeAsync(int node)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", $"cluster-{node}-" + Guid.NewGuid().ToString("N"));
        lock (_dataDirectories)
        {
            _dataDirectories.Add(dataDirectory);
        }

        return await ServerProcess.StartAsync(dataDirectory, new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = _database!.ConnectionString,
            ["Worker:NodeId"] = NodeId(node),
            ["Worker:LeaseSeconds"] = "3",
            ["Worker:PollMilliseconds"] = "100",
            ["UrlImports:AllowedAddresses:0"] = "127.0.0.1",
            ["Webhooks:RetryBaseMilliseconds"] = "200",
            ["Webhooks:RetryMaxMilliseconds"] = "400",
            ["Webhooks:PollMilliseconds"] = "100",
        });
    }

    private IntakeClient Client(int node) => _clients[node];

    private static string NodeId(int node) => $"node-{node}";

    /// <summary>The node in a claim's history reason, <c>claimed by {node}/{slot}</c>.</summary>
    private static string? ClaimingNode(string? reason) =>
        reason is not null && ClaimReason().Match(reason) is { Success: true } match ? match.Groups["node"].Value : null;

    [GeneratedRegex(@"claimed by (?<node>[^/\s]+)/")]
    private static partial Regex ClaimReason();

    /// <summary>
    /// File k of a dataset: entities e{k*50}…e{k*50+199} named <c>file-k</c>, so each overlaps the three files
    /// before it, and <paramref name="ExtraEntities"/> more that only it writes. A seed (<paramref name="SeedOnly"/>)
    /// is the one entity <c>bulk-k-0</c>, named <c>seed</c>, written before file k writes it again.
    /// </summary>
    private sealed record EntityFile(int Index, int ExtraEntities, bool SeedOnly = false)
    {
        public string Name => SeedOnly ? "seed" : $"file-{Index}";

        public IEnumerable<string> Ids()
        {
            if (SeedOnly)
            {
                yield return $"bulk-{Index}-0";
                yield break;
            }

            for (var id = Index * 50; id < Index * 50 + 200; id++)
            {
                yield return $"e{id}";
            }

            for (var extra = 0; extra < ExtraEntities; extra++)
            {
                yield return $"bulk-{Index}-{extra}";
            }
        }

        public byte[] ToCsv()
        {
            var text = new StringBuilder("id,type,name,metadata,media_url\n");
            foreach (var id in Ids())
            {
                text.Append(id).Append(",product,").Append(Name).Append(",,\n");
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }

    /// <summary>
    /// One stored entity of a dataset held locked (<c>SELECT … FOR UPDATE</c>) in a transaction of the test's own, until
    /// disposed: a load whose merge writes that entity waits for it. It reads the PostgreSQL store's table layout
    /// (<c>record_sets</c> numbers a dataset's table, named by <see cref="DatasetTables.Entities"/>), which only this test depends on. Disposing it twice
    /// is harmless.
    /// </summary>
    private sealed class EntityRowLock : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;

        private EntityRowLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public static async Task<EntityRowLock> TakeAsync(string connectionString, string datasetId, string entityId)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            var held = new EntityRowLock(connection, transaction);
            try
            {
                await using var table = new NpgsqlCommand("SELECT n FROM record_sets WHERE dataset_id = @dataset;", connection, transaction);
                table.Parameters.AddWithValue("dataset", datasetId);
                var n = (int)(await table.ExecuteScalarAsync())!;
                await using var row = new NpgsqlCommand($"SELECT count(*) FROM (SELECT 1 FROM {DatasetTables.Entities(n)} WHERE id = @id FOR UPDATE) r;", connection, transaction);
                row.Parameters.AddWithValue("id", entityId);
                Assert.Equal(1L, (long)(await row.ExecuteScalarAsync())!);
                return held;
            }
            catch
            {
                await held.DisposeAsync();
                throw;
            }
        }

        /// <summary>How many sessions wait for a lock this transaction holds.</summary>
        public async Task<long> WaitingSessionsAsync()
        {
            await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid));",
                _connection, _transaction);
            return (long)(await waiting.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
