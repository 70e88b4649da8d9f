using Microsoft.Playwright;

namespace Intake.Console.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium for every console test (Playwright drives it over CDP; nothing is downloaded).
/// Each test takes a fresh context, so no key or storage leaks between tests.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        }

        // A loaded 2-core machine runs the suite: waits are generous, and never fixed sleeps.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = s_arguments,
            Headless = true,
        });
    }

    /// <summary>A new page in a new context (no cookies, no sessionStorage), downloads allowed, at the given width.</summary>
    public async Task<IPage> NewPageAsync(Uri server, int width = 1280, int height = 900)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<Browser>
{
    // Browser tests run one at a time: each drives a real server and a real Chromium on a 2-core machine.
    public const string Name = "console";
}
