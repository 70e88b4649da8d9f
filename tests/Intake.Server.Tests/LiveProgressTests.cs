using System.Net;
using System.Text;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Live progress as Server-Sent Events (CONTRACTS.md): an import held queued behind a load at the gate, then
/// loaded in small, slowed batches so that it reports progress while a real client reads the stream.
/// </summary>
public abstract class LiveProgressTests : IAsyncLifetime
{
    private const string Blocker = "id,type,name,metadata,media_url\nA,p,a,,\n";
    private readonly LoadGate _gate = new() { BatchDelay = TimeSpan.FromMilliseconds(100) };
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected LiveProgressTests()
    {
        _factory = CreateFactory(new Dictionary<string, string?> { ["Worker:BatchSize"] = "16" }, services => services.AddSingleton<IFaultInjector>(_gate));
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_client_sees_queued_processing_progress_and_final_in_order_and_resumes_with_Last_Event_ID()
    {
        var (importId, blockerId) = await QueueBehindAHeldLoadAsync("live");
        var first = await EventStream.OpenAsync(_client.Http, $"/v1/imports/{importId}/events");
        Assert.Equal("text/event-stream", first.ContentType);
        var snapshot = await first.NextAsync();
        Assert.Equal(1000, first.Retry);
        Assert.Equal(("snapshot", "queued"), (snapshot!.Type, snapshot.Status));
        Assert.False(snapshot.Data.ContainsKey("errors"));
        Assert.True(snapshot.Data.ContainsKey("rate") && snapshot.Data["rate"] is null, snapshot.Data.ToJsonString());

        _gate.Open();
        await CancelAsync(blockerId);
        var seen = new List<ServerSentEvent> { snapshot };
        while (await first.NextAsync() is { } next)
        {
            seen.Add(next);
            if (next.Type == "progress")
            {
                break;
            }
        }

        await first.DisposeAsync();

        // Resumed after a progress event: a fresh snapshot with a later id, then the rest until the final event.
        var resumedFrom = seen[^1].Id;
        await using (var resumed = await EventStream.OpenAsync(_client.Http, $"/v1/imports/{importId}/events", resumedFrom))
        {
            var again = await resumed.ReadToEndAsync();
            Assert.Equal("snapshot", again[0].Type);
            Assert.True(again[0].Id > resumedFrom, $"The resumed snapshot's id {again[0].Id} is not after {resumedFrom}.");
            seen.AddRange(again);
        }

        var described = string.Join(", ", seen.Select(e => $"{e.Id} {e.Type} {e.Status}"));
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.Second.Id > pair.First.Id), "Ids do not grow: " + described);
        var statuses = seen.Where(e => e.Type is "snapshot" or "status").Select(e => e.Status).Distinct().ToList();
        Assert.Equal(["queued", "processing", "completed"], statuses);
        Assert.Equal(["snapshot", "status"], seen.Take(2).Select(e => e.Type));
        Assert.Equal("processing", seen[1].Status);
        Assert.Equal(("status", "completed"), (seen[^2].Type, seen[^2].Status));
        Assert.Equal(("final", "completed"), (seen[^1].Type, seen[^1].Status));
        Assert.Equal(400, (long)seen[^1].Data["progress"]!["records_written"]!);

        var progress = seen.Where(e => e.Type == "progress").ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal("processing", e.Status));
        var read = progress.Select(e => (long)e.Data["progress"]!["records_read"]!).ToList();
        Assert.True(read.Zip(read.Skip(1)).All(pair => pair.Second >= pair.First), "Progress went backwards: " + described);
        Assert.Contains(seen, e => e.Data["rate"] is { } rate && (double)rate["records_per_second"]! > 0 && e.Data["eta_seconds"] is not null);

        // Resumed once it is over: only the final event, at once, and the stream ends.
        await using var late = await EventStream.OpenAsync(_client.Http, $"/v1/imports/{importId}/events", seen[^1].Id);
        var tail = await late.ReadToEndAsync();
        Assert.Equal([("final", "completed")], tail.Select(e => (e.Type, e.Status)));
        Assert.True(tail[0].Id > seen[^1].Id);
    }

    [Fact]
    public async Task A_job_stream_ends_with_its_final_event_and_unknown_ids_are_404_before_any_stream()
    {
        _gate.Open();
        await _client.CreateDatasetAsync("live-job");
        var import = await _client.ImportAsync("live-job", Rows(100));
        var loadJob = (string)import["jobs"]!["dataset_load"]!;

        await using var stream = await EventStream.OpenAsync(_client.Http, $"/v1/jobs/{loadJob}/events");
        var events = await stream.ReadToEndAsync();

        Assert.Equal([("snapshot", "completed"), ("final", "completed")], events.Select(e => (e.Type, e.Status)));
        Assert.Equal("dataset_load", (string)events[^1].Data["type"]!);
        Assert.False(events[^1].Data.ContainsKey("history"));
        Assert.True(events[^1].Data.ContainsKey("eta_seconds"));

        foreach (var (path, code) in new[] { ("/v1/imports/nope/events", "import_not_found"), ("/v1/jobs/nope/events", "job_not_found") })
        {
            using var response = await _client.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(code, (string)(await IntakeClient.ProblemAsync(response))["code"]!);
        }
    }

    /// <summary>Holds a first load at the gate, so a second import of the dataset (400 rows, 25 batches) waits queued behind it.</summary>
    private async Task<(string ImportId, string BlockerId)> QueueBehindAHeldLoadAsync(string dataset)
    {
        await _client.CreateDatasetAsync(dataset);
        var blocker = await _client.UploadAsync(dataset, Blocker);
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var import = await _client.UploadAsync(dataset, Rows(400));
        return ((string)import["id"]!, (string)blocker["id"]!);
    }

    private async Task CancelAsync(string importId)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{importId}/cancel", null);
        await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
    }

    private static string Rows(int count)
    {
        var csv = new StringBuilder("id,type,name,metadata,media_url\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append("e").Append(i).Append(",p,n,,\n");
        }

        return csv.ToString();
    }
}

public sealed class SqliteLiveProgressTests : LiveProgressTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new(settings, services);
}

public sealed class PostgresLiveProgressTests : LiveProgressTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new PostgresServerFactory(settings, services);
}
