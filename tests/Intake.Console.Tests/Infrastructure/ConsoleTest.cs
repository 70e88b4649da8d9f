using Intake.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Intake.Console.Tests.Infrastructure;

/// <summary>A browser test class with its own real server (Kestrel on 127.0.0.1), started before its tests and disposed after.</summary>
public abstract class ConsoleTest(Browser browser, IntakeServerFactory server) : IAsyncLifetime
{
    protected IntakeClient Api { get; private set; } = null!;

    public virtual Task InitializeAsync()
    {
        Api = server.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    protected Task<IPage> NewPageAsync(int width = 1280, int height = 900) => browser.NewPageAsync(Api.Http.BaseAddress!, width, height);
}
