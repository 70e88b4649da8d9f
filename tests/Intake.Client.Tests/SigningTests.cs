using System.Text;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Client.Tests;

/// <summary>Keys on a server with a master key: bearer, signed requests (docs/security.md), and AddIntakeClient.</summary>
public abstract class SigningTests : IAsyncLifetime
{
    private const string MasterKey = "master-key-for-client-tests";
    private readonly IntakeServerFactory _factory;
    private IntakeClient _admin = null!;

    protected SigningTests()
    {
        _factory = CreateFactory(new Dictionary<string, string?>
        {
            ["Security:MasterKey"] = MasterKey,
            ["RateLimits:RequestsPerSecond"] = "1000",
            ["RateLimits:Burst"] = "1000",
        });
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings);

    public async Task InitializeAsync()
    {
        _admin = ServerFixture.ClientOf(_factory, new IntakeKeyCredential(MasterKey));
        await _admin.Datasets.CreateAsync("signed", "Signed", cancellationToken: ServerFixture.Timeout());
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_signed_key_signs_every_request_including_an_upload_from_a_stream_that_cannot_seek()
    {
        var cancellationToken = ServerFixture.Timeout();
        var key = await _admin.Keys.CreateAsync("loader", ["read", "write"], signed: true, cancellationToken);
        using var signedClient = ServerFixture.ClientOf(_factory, new IntakeKeyCredential(key.Secret));
        using var bearerClient = ServerFixture.ClientOf(_factory, new IntakeKeyCredential(key.Secret), IntakeSigning.Bearer);
        var sent = new ServerFixture.Recorder<long>();

        var operation = await signedClient.Imports.StartImportAsync("signed", new OneWayStream(ServerFixture.Entities(5_000)),
            new ImportOptions { Format = "csv", UploadProgress = sent }, cancellationToken);
        var result = await operation.WaitForCompletionAsync(cancellationToken: cancellationToken);
        var refused = await Assert.ThrowsAsync<IntakeRequestException>(() => bearerClient.Datasets.GetAsync("signed", cancellationToken));

        Assert.Equal(5_000, result.RecordsWritten);
        Assert.Equal(ServerFixture.Entities(5_000).Length, sent.Values[^1]);
        Assert.Equal((401, IntakeErrorCode.SignatureRequired), (refused.Status, refused.Code));
        Assert.DoesNotContain(key.Secret, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_scopes_are_enforced()
    {
        var cancellationToken = ServerFixture.Timeout();
        var reader = await _admin.Keys.CreateAsync("reader", ["read"], cancellationToken: cancellationToken);
        using var readerClient = ServerFixture.ClientOf(_factory, new IntakeKeyCredential(reader.Secret));

        var dataset = await readerClient.Datasets.GetAsync("signed", cancellationToken);
        var forbidden = await Assert.ThrowsAsync<IntakeRequestException>(
            () => readerClient.Imports.StartImportAsync("signed", new MemoryStream(ServerFixture.Entities(1)), cancellationToken: cancellationToken));
        await _admin.Keys.RevokeAsync(reader.Id, cancellationToken);
        var revoked = await Assert.ThrowsAsync<IntakeRequestException>(() => readerClient.Datasets.GetAsync("signed", cancellationToken));
        var listed = await _admin.Keys.ListAsync(cancellationToken);

        Assert.Equal("signed", dataset.Id);
        Assert.Equal((403, IntakeErrorCode.Forbidden), (forbidden.Status, forbidden.Code));
        Assert.Equal(401, revoked.Status);
        Assert.Equal("key_revoked", revoked.Code.Value);
        Assert.NotNull(listed.Single(k => k.Id == reader.Id).RevokedAt);
    }

    [Fact]
    public async Task AddIntakeClient_gives_a_working_client_from_the_http_client_factory()
    {
        var cancellationToken = ServerFixture.Timeout();
        var key = await _admin.Keys.CreateAsync("di", ["read"], signed: true, cancellationToken);
        var services = new ServiceCollection();
        services.AddIntakeClient(ServerFixture.AddressOf(_factory), new IntakeKeyCredential(key.Secret));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IntakeClient>();
        var dataset = await client.Datasets.GetAsync("signed", cancellationToken);

        Assert.Equal("Signed", dataset.Name);
        Assert.Equal(ServerFixture.AddressOf(_factory), client.Endpoint);
    }

    /// <summary>A body that can only be read forward, like a network stream or a pipe.</summary>
    private sealed class OneWayStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

public sealed class SqliteSigningTests : SigningTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new(settings);
}

public sealed class PostgresSigningTests : SigningTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new PostgresServerFactory(settings);
}
