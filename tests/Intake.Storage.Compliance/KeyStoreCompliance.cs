using Intake.Core.Security;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>What every key store must do, run unchanged against each provider.</summary>
public abstract class KeyStoreCompliance : StoreCompliance
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected IKeyStore Keys => Store.Keys;

    [Fact]
    public async Task Keys_are_stored_listed_and_revoked_once()
    {
        var key = new ApiKey("key_1", "ci", ApiKeyScopes.Read | ApiKeyScopes.Write, Signed: true, [1, 2, 3], s_now, null);
        await Keys.CreateKeyAsync(key, default);
        await Keys.CreateKeyAsync(key with { Id = "key_2", Name = "other" }, default);

        var stored = (await Keys.GetKeyAsync("key_1", default))!;
        Assert.Equal((key.Name, key.Scopes, key.Signed, key.CreatedAt), (stored.Name, stored.Scopes, stored.Signed, stored.CreatedAt));
        Assert.Equal(key.Verifier, stored.Verifier);
        Assert.Equal(["key_1", "key_2"], (await Keys.ListKeysAsync(default)).Select(k => k.Id));

        Assert.True(await Keys.RevokeKeyAsync("key_1", s_now.AddHours(1), default));
        Assert.False(await Keys.RevokeKeyAsync("key_1", s_now.AddHours(2), default));
        Assert.False(await Keys.RevokeKeyAsync("missing", s_now, default));
        Assert.Equal(s_now.AddHours(1), (await Keys.GetKeyAsync("key_1", default))!.RevokedAt);
        Assert.Null(await Keys.GetKeyAsync("missing", default));
    }

    [Fact]
    public async Task A_nonce_is_accepted_once_per_key_until_it_expires()
    {
        Assert.True(await Keys.UseNonceAsync("key_1", "n1", s_now.AddMinutes(10), s_now, default));
        Assert.False(await Keys.UseNonceAsync("key_1", "n1", s_now.AddMinutes(10), s_now.AddMinutes(1), default));
        Assert.True(await Keys.UseNonceAsync("key_2", "n1", s_now.AddMinutes(10), s_now, default));
        Assert.True(await Keys.UseNonceAsync("key_1", "n1", s_now.AddMinutes(30), s_now.AddMinutes(20), default));
    }

    [Fact]
    public async Task A_server_secret_is_created_once_and_then_always_returned()
    {
        var first = await Keys.GetOrCreateSecretAsync("upload_tokens", [1, 2, 3], s_now, default);
        var second = await Keys.GetOrCreateSecretAsync("upload_tokens", [4, 5, 6], s_now.AddDays(1), default);
        var other = await Keys.GetOrCreateSecretAsync("other", [7], s_now, default);

        Assert.Equal([1, 2, 3], first);
        Assert.Equal([1, 2, 3], second);
        Assert.Equal([7], other);
    }
}
