using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Intake.Console.Tests.Infrastructure;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intake.Console.Tests;

/// <summary>
/// Load Data watched while it moves: the browser's upload is throttled (Chromium's own network emulation) so the
/// bar shows a rate and time left, and the load runs in small slowed batches so its counts and rate change live
/// (and is still running when a tab that sent it is closed).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveLoadTests : ConsoleTest
{
    private const int Rows = 800;

    public LiveLoadTests(Browser browser)
        : this(browser, CreateGate())
    {
    }

    private LiveLoadTests(Browser browser, LoadGate gate)
        : base(browser, GatedServer(gate, new() { ["Worker:BatchSize"] = "20" }))
    {
    }

    private static LoadGate CreateGate()
    {
        var gate = new LoadGate { BatchDelay = TimeSpan.FromMilliseconds(100) };
        gate.Open();
        return gate;
    }

    [Fact]
    public async Task The_upload_shows_rate_and_time_left_then_the_load_shows_its_counts_and_rate_live()
    {
        await Api.CreateDatasetAsync("live", "Live");
        var (directory, path) = await WriteFileAsync();
        try
        {
            var page = await NewPageAsync();
            await page.GotoAsync("/console#/datasets/live/load");
            await page.GetByLabel("File").SetInputFilesAsync(path);
            var cdp = await page.Context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 300 * 1024,
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and load" }).ClickAsync();

            var figures = page.Locator(".progress .figures").First;
            await Expect(figures).ToContainTextAsync(new Regex(@"[\d.]+ (KB|MB)/s"));
            await Expect(figures).ToContainTextAsync(new Regex(@"\d+ (s|min \d+ s) left"));
            await Screenshots.TakeAsync(page, "load-data-uploading");
            await Expect(page.GetByText("The file is on the server")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
            });

            var progress = page.GetByRole(AriaRole.Region, new() { Name = "Progress" });
            await Expect(progress.Locator(".pill")).ToHaveTextAsync("In Progress");
            await Expect(progress.Locator(".spark")).ToContainTextAsync(new Regex(@"[\d,]+ records/s"));
            await Screenshots.TakeAsync(page, "load-data-running");
            var read = page.Locator("[data-stat='records-read'] .value");
            await Expect(read).ToHaveTextAsync(new Regex(@"^(?!0$)(?!800$)\d{1,3}$"));
            await Expect(progress.Locator(".pill")).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
            var final = Rows.ToString("N0", CultureInfo.InvariantCulture);
            await Expect(read).ToHaveTextAsync(final);
            await Expect(page.Locator("[data-stat='records-written'] .value")).ToHaveTextAsync(final);
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Load completed" })).ToContainTextAsync($"{final} written, 0 rejected");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Closing_the_tab_after_the_upload_does_not_stop_the_load()
    {
        await Api.CreateDatasetAsync("closed", "Closed");
        var (directory, path) = await WriteFileAsync();
        try
        {
            var page = await NewPageAsync();
            await page.GotoAsync("/console#/datasets/closed/load");
            await page.GetByLabel("File").SetInputFilesAsync(path);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and load" }).ClickAsync();
            await Expect(page.GetByText("The file is on the server")).ToBeVisibleAsync();
            var importId = (await page.Locator("section[aria-label='Progress'] p code").First.InnerTextAsync()).Trim();
            await page.Context.CloseAsync();

            var import = await Api.WaitForFinalAsync(importId);
            Assert.Equal("completed", (string)import["status"]!);
            Assert.Equal(Rows, (long)import["progress"]!["records_written"]!);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>About 1.3 MB of products, each with a 1,500-character note, in a temporary directory.</summary>
    private static async Task<(DirectoryInfo Directory, string Path)> WriteFileAsync()
    {
        var note = new string('n', 1500);
        var csv = new StringBuilder("id,type,name,metadata,media_url\n");
        for (var i = 1; i <= Rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"p{i},product,Item {i},\"{{\"\"note\"\": \"\"{note}\"\"}}\",\n");
        }

        var directory = Directory.CreateTempSubdirectory("intake-console-");
        var path = Path.Combine(directory.FullName, "live.csv");
        await File.WriteAllTextAsync(path, csv.ToString(), new UTF8Encoding(false));
        return (directory, path);
    }
}
