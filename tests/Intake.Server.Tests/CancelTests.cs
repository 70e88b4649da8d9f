using System.Net;
using Intake.Core.Imports;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

public abstract class CancelTests : IAsyncLifetime
{
    private const string Csv = "id,type,name,metadata,media_url\nA,p,a,,\nB,p,b,,\n";
    private readonly LoadGate _gate = new();
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected CancelTests()
    {
        _factory = CreateFactory(services => services.AddSingleton<IFaultInjector>(_gate));
    }

    protected abstract IntakeServerFactory CreateFactory(Action<IServiceCollection> services);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Cancel_while_queued_and_while_processing_both_end_canceled_with_nothing_written()
    {
        await _client.CreateDatasetAsync("cancel");
        var processing = await _client.UploadAsync("cancel", Csv);
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = await _client.UploadAsync("cancel", Csv);
        Assert.Equal("processing", (string)(await _client.GetImportAsync((string)processing["id"]!))["status"]!);
        Assert.Equal("queued", (string)(await _client.GetImportAsync((string)queued["id"]!))["status"]!);

        var canceledQueued = await CancelAsync((string)queued["id"]!);
        var canceledProcessing = await CancelAsync((string)processing["id"]!);

        Assert.Equal("canceled", (string)canceledQueued["status"]!);
        Assert.Equal("canceled", (string)canceledProcessing["status"]!);
        Assert.Equal("canceled_by_user", (string)canceledProcessing["error"]!["code"]!);
        Assert.Equal(0, (long)(await _client.CountsAsync("cancel"))["total"]!);
        Assert.Empty(await _client.ExportAsync("cancel"));

        _gate.Open();
        var after = await _client.ImportAsync("cancel", Csv);
        Assert.Equal("completed", (string)after["status"]!);
        Assert.Equal(2, (long)(await _client.CountsAsync("cancel"))["total"]!);
    }

    [Fact]
    public async Task A_poll_of_a_load_on_this_node_is_answered_from_memory_yet_shows_an_archive_at_once_and_canceled_as_soon_as_the_cancel_answers()
    {
        await _client.CreateDatasetAsync("poll");
        var id = (string)(await _client.UploadAsync("poll", Csv))["id"]!;
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var live = _factory.Services.GetRequiredService<LiveImports>();

        // The load reports its first batch's progress and reads the import back; from then on this node answers polls from memory.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (live.Find(id) is not { Progress.RecordsRead: 2 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, live.Find(id)?.Progress.RecordsRead);
        var polled = await _client.GetImportAsync(id);
        Assert.Equal("processing", (string)polled["status"]!);
        Assert.Equal(2, (long)polled["progress"]!["records_read"]!);

        // An archive through this node shows in the next poll, not half a second later.
        using (var archived = await _client.Http.PostAsync($"/v1/imports/{id}/archive", null))
        {
            await IntakeClient.ExpectAsync(archived, HttpStatusCode.OK);
        }

        Assert.True((bool)(await _client.GetImportAsync(id))["archived"]!);
        Assert.True(live.Find(id)?.Archived);
        using (var unarchived = await _client.Http.PostAsync($"/v1/imports/{id}/unarchive", null))
        {
            await IntakeClient.ExpectAsync(unarchived, HttpStatusCode.OK);
        }

        Assert.False((bool)(await _client.GetImportAsync(id))["archived"]!);

        // The entry is gone before the final status is stored: once the cancel answers, no poll says processing.
        Assert.Equal("canceled", (string)(await CancelAsync(id))["status"]!);
        Assert.Null(live.Find(id));
        var canceled = await _client.GetImportAsync(id);
        Assert.Equal("canceled", (string)canceled["status"]!);
        Assert.Equal("canceled_by_user", (string)canceled["error"]!["code"]!);
        Assert.Equal(0, (long)(await _client.CountsAsync("poll"))["total"]!);
    }

    [Fact]
    public async Task Cancel_of_a_finished_import_is_a_409_illegal_transition()
    {
        _gate.Open();
        await _client.CreateDatasetAsync("cancel-done");
        var import = await _client.ImportAsync("cancel-done", Csv);

        using var response = await _client.Http.PostAsync($"/v1/imports/{(string)import["id"]!}/cancel", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("illegal_transition", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    private async Task<System.Text.Json.Nodes.JsonObject> CancelAsync(string id)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{id}/cancel", null);
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
    }
}

public sealed class SqliteCancelTests : CancelTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new(new Dictionary<string, string?>(), services);
}

public sealed class PostgresCancelTests : CancelTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new PostgresServerFactory(new Dictionary<string, string?>(), services);
}
