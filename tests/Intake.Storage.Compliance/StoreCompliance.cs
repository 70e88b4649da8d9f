namespace Intake.Storage.Compliance;

/// <summary>What every compliance suite shares: one fresh, started store per test, made by the provider's factory.</summary>
public abstract class StoreCompliance : IAsyncLifetime
{
    protected StoreUnderTest Store { get; private set; } = null!;

    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.Lifecycle.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();
}
