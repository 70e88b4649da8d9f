using System.Collections.Concurrent;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Intake.Console.Tests.Infrastructure;

/// <summary>
/// A browser test class with its own real server (Kestrel on 127.0.0.1), started before its tests and disposed after.
/// Every page it opens records the requests the browser makes; a request to anywhere but this server fails the test
/// (the console must work on a closed network).
/// </summary>
public abstract class ConsoleTest(Browser browser, IntakeServerFactory server) : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _requests = new();

    protected IntakeClient Api { get; private set; } = null!;

    /// <summary>Every URL the test's pages asked for, in order.</summary>
    protected IReadOnlyCollection<string> Requests => _requests;

    /// <summary>A SQLite server whose loads pass <paramref name="gate"/>: held after their first batch, or slowed per batch.</summary>
    protected static IntakeServerFactory GatedServer(LoadGate gate, Dictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?>(), services => services.AddSingleton<IFaultInjector>(gate));

    public virtual Task InitializeAsync()
    {
        Api = server.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        AssertNoRequestOffOrigin();
    }

    protected async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var page = await browser.NewPageAsync(Api.Http.BaseAddress!, width, height);
        page.Context.Request += (_, request) => _requests.Enqueue(request.Url);
        return page;
    }

    /// <summary>Fails on any request that did not go to this server (blob: downloads and data: images are the page's own).</summary>
    protected void AssertNoRequestOffOrigin()
    {
        var origin = Api.Http.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/";
        var elsewhere = _requests.Where(url => !url.StartsWith(origin, StringComparison.Ordinal)
            && !url.StartsWith("blob:" + origin, StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, "The console asked for something off its origin:\n" + string.Join("\n", elsewhere));
    }
}
