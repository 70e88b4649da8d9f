using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intake.Console.Tests.Infrastructure;

/// <summary>
/// The bulk-write document's console flow, step by step, against one server: each step acts as a user would
/// (role locators, the file picker) and checks what the page shows, and where it matters what the API holds.
/// Shared by the SQLite walk and the PostgreSQL smoke test.
/// </summary>
public sealed class ConsoleWalk(IPage page, IntakeClient api)
{
    /// <summary>Six good products and two whose price is not a double (line 4 and line 8).</summary>
    public const string ProductsCsv =
        "id,type,name,metadata,media_url\n" +
        "sku-1,product,Red apple,\"{\"\"price\"\": 1.5}\",https://img.example.com/1.jpg\n" +
        "sku-2,product,Pear,\"{\"\"price\"\": 2}\",\n" +
        "sku-3,product,Orange,\"{\"\"price\"\": \"\"cheap\"\"}\",\n" +
        "sku-4,product,Plum,\"{\"\"price\"\": 0.5}\",\n" +
        "sku-5,product,Kiwi,\"{\"\"price\"\": 3.25}\",\n" +
        "sku-6,product,Lime,\"{\"\"price\"\": 1}\",\n" +
        "sku-7,product,Fig,\"{\"\"price\"\": \"\"dear\"\"}\",\n" +
        "sku-8,product,Date,\"{\"\"price\"\": 4}\",\n";

    public IPage Page => page;

    /// <summary>Datasets > New Dataset with a name and description and no id; returns the generated id read from the page.</summary>
    public async Task<string> CreateDatasetAsync(string name, string description)
    {
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console#/datasets$|/console$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Datasets", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New Dataset" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New Dataset" });
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("Description").FillAsync(description);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the New Dataset dialog");
        await Screenshots.TakeAsync(page, "new-dataset");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save Dataset" }).ClickAsync();

        var created = page.GetByRole(AriaRole.Dialog, new() { Name = "Dataset created" });
        await Expect(created.GetByRole(AriaRole.Button, new() { Name = "Copy dataset ID" })).ToBeVisibleAsync();
        var id = (await created.Locator(".idline code").InnerTextAsync()).Trim();
        await Screenshots.TakeAsync(page, "dataset-created");
        var stored = await api.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{id}");
        Assert.Equal(name, (string)stored!["name"]!);

        await created.GetByRole(AriaRole.Button, new() { Name = "View dataset" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-head .idline code")).ToHaveTextAsync(id);
        return id;
    }

    /// <summary>Jobs tab > Load Data with the file picker; watches the upload bar fill and the live counts reach the final figures.</summary>
    public async Task<string> LoadDataAsync(string datasetName, string csv, string fileName, long read, long written, long rejected)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Load Data" }).Last.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Load Data", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText(datasetName).First).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Load Data");

        var directory = Directory.CreateTempSubdirectory("intake-console-");
        var path = Path.Combine(directory.FullName, fileName);
        await File.WriteAllTextAsync(path, csv, new UTF8Encoding(false));
        var streams = new System.Collections.Concurrent.ConcurrentQueue<(string Url, int Status, string? Type)>();
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/events", StringComparison.Ordinal))
            {
                streams.Enqueue((response.Url, response.Status, response.Headers.GetValueOrDefault("content-type")));
            }
        };
        try
        {
            await page.GetByLabel("File").SetInputFilesAsync(path);
            await page.GetByLabel("Tags").FillAsync("product-data");
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and load" }).ClickAsync();

            var uploadBar = page.GetByRole(AriaRole.Progressbar, new() { Name = $"Sending {fileName}" });
            await Expect(uploadBar).ToHaveAttributeAsync("value", Encoding.UTF8.GetByteCount(csv).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.GetByText($"{FormatBytes(Encoding.UTF8.GetByteCount(csv))} sent")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-stat='records-read'] .value")).ToHaveTextAsync(read.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.Locator("[data-stat='records-written'] .value")).ToHaveTextAsync(written.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.Locator("[data-stat='records-rejected'] .value")).ToHaveTextAsync(rejected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            var outcome = rejected > 0 ? "completed with errors" : "completed";
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Load {outcome}" })).ToBeVisibleAsync();
            if (rejected > 0)
            {
                await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Rejected records", Exact = true }).Locator("tbody tr")).ToHaveCountAsync((int)Math.Min(rejected, 10));
            }

            await Accessibility.AssertNoSeriousViolationsAsync(page, "Load Data after a load");
            await Screenshots.TakeAsync(page, "load-data");
            var importId = (await page.Locator("section[aria-label='Progress'] p code").First.InnerTextAsync()).Trim();

            // The live counts came from the server's event stream (CONTRACTS.md), not from polling.
            Assert.Contains(streams, s => s.Url.EndsWith($"/v1/imports/{importId}/events", StringComparison.Ordinal)
                && s.Status == 200 && s.Type?.StartsWith("text/event-stream", StringComparison.Ordinal) == true);
            return importId;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Opens the load's Log View from the Load Data result: stats table, history with nodes, rejected records and their download.</summary>
    public async Task CheckLogViewAsync(string importId, long received, long loaded, long rejected)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the Log View" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dataset Load", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("td[data-stat='Received']")).ToHaveTextAsync(received.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("td[data-stat='Loaded']")).ToHaveTextAsync(loaded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("td[data-stat='Rejected']")).ToHaveTextAsync(rejected.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var history = page.GetByRole(AriaRole.Region, new() { Name = "History", Exact = true });
        await Expect(history.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(history.Locator("tbody tr").Nth(1)).ToContainTextAsync("In Progress");
        var node = await history.Locator("tbody tr").Nth(1).Locator("td").Nth(2).InnerTextAsync();
        Assert.NotEqual("request", node.Trim());
        await Expect(history.Locator("tbody tr").Nth(2)).ToContainTextAsync(rejected > 0 ? "Completed with errors" : "Completed");

        var rejectedRows = page.GetByRole(AriaRole.Region, new() { Name = "Rejected records", Exact = true }).Locator("tbody tr");
        await Expect(rejectedRows).ToHaveCountAsync((int)rejected);
        await Expect(rejectedRows.First).ToContainTextAsync("InvalidType");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Log View");
        await Screenshots.TakeAsync(page, "log-view");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        Assert.Equal($"{importId}-rejected.csv", download.SuggestedFilename);
        Assert.Equal("line,error_id,code,field,message", lines[0]);
        Assert.Equal(rejected + 1, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("4,product/sku-3,InvalidType,price,", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Link, new() { Name = "File Upload job that triggered this load" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "File Upload", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("td[data-stat='Bytes received']")).Not.ToHaveTextAsync("–");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "an upload's Log View");
        await page.GetByRole(AriaRole.Link, new() { Name = "Dataset Load job this upload triggered" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dataset Load", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Dataset > Jobs > Clear Data through its confirmation; the counts go to zero on the page and in the store.</summary>
    public async Task ClearDataAsync(string datasetId, string datasetName)
    {
        await page.GotoAsync($"/console#/datasets/{datasetId}/jobs");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = datasetName, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".card").Filter(new() { HasText = "Entities" }).Locator(".value")).Not.ToHaveTextAsync("0");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "a dataset's Jobs tab");
        await Screenshots.TakeAsync(page, "dataset-jobs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear Data" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync(datasetName);
        await Expect(dialog).ToContainTextAsync("cannot be undone");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Clear Data confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Clear Data" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Clear Data job started" })).ToBeVisibleAsync();
        await Expect(page.Locator(".card").Filter(new() { HasText = "Entities" }).Locator(".value")).ToHaveTextAsync("0");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Jobs of this dataset", Exact = true }).Locator("tbody tr").First).ToContainTextAsync("Clear Data");
        var counts = await api.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{datasetId}");
        Assert.Equal(0, (long)counts!["counts"]!["total"]!);
    }

    public static string FormatBytes(long n) => n < 1000 ? $"{n} B" : $"{n / 1000.0:0.0} KB";
}
