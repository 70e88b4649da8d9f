using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Client.Tests;

/// <summary>Canceling through an <see cref="ImportOperation"/> while another caller waits on it.</summary>
public sealed class CancelTests : IAsyncLifetime
{
    private readonly LoadGate _gate = new();
    private readonly IntakeServerFactory _factory;

    public CancelTests()
    {
        _factory = new IntakeServerFactory(new Dictionary<string, string?>(), services => services.AddSingleton<IFaultInjector>(_gate));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_canceled_import_ends_the_wait_with_canceled_by_user_and_a_resumed_operation_sees_it()
    {
        var cancellationToken = ServerFixture.Timeout();
        using var client = ServerFixture.ClientOf(_factory);
        await client.Datasets.CreateAsync("client-cancel", "Cancel", cancellationToken: cancellationToken);
        var operation = await client.Imports.StartImportAsync("client-cancel", new MemoryStream(ServerFixture.Entities(10)), cancellationToken: cancellationToken);
        var waiting = operation.WaitForCompletionAsync(cancellationToken: cancellationToken);
        await _gate.Held.WaitAsync(cancellationToken);

        await client.Imports.GetOperation(operation.Id).CancelAsync(cancellationToken);
        var failed = await Assert.ThrowsAsync<ImportFailedException>(() => waiting);
        var resumed = new ImportOperation(client, operation.Id);
        var status = await resumed.UpdateStatusAsync(cancellationToken);

        Assert.Equal(IntakeErrorCode.CanceledByUser, failed.Code);
        Assert.Equal(ImportStatus.Canceled, failed.Import.Status);
        Assert.Equal(ImportStatus.Canceled, status);
        Assert.True(resumed.HasCompleted);
        Assert.Equal(0, (await client.Datasets.GetAsync("client-cancel", cancellationToken)).Counts!.Total);
    }
}
