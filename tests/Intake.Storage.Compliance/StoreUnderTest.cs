using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>A freshly created, migrated store of one provider; disposing it removes what it created.</summary>
public sealed record StoreUnderTest(IJobStore Jobs, IWebhookStore Webhooks, IRecordStore Records, IKeyStore Keys, IStoreLifecycle Lifecycle, IAsyncDisposable Owner)
    : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owner.DisposeAsync();
}
