using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Console.Tests.Infrastructure;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intake.Console.Tests;

/// <summary>
/// Canceling a running import from its dataset's Imports tab, watched live in Logs in another tab; the load is held
/// at a gate so it is certainly running.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CancelTests : ConsoleTest
{
    private readonly LoadGate _gate;

    public CancelTests(Browser browser)
        : this(browser, new LoadGate())
    {
    }

    private CancelTests(Browser browser, LoadGate gate)
        : base(browser, GatedServer(gate)) =>
        _gate = gate;

    [Fact]
    public async Task A_running_import_is_canceled_from_the_imports_tab_and_writes_nothing()
    {
        await Api.CreateDatasetAsync("held", "Held");
        var import = await Api.UploadAsync("held", ConsoleWalk.ProductsCsv);
        var id = (string)import["id"]!;
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));

        // Logs open in another tab: its pill follows the load without a reload.
        var logs = await NewPageAsync();
        await logs.GotoAsync("/console#/logs?type=dataset_load");
        var logRow = logs.GetByRole(AriaRole.Region, new() { Name = "Jobs", Exact = true }).Locator("tbody tr");
        await Expect(logRow.Locator(".pill")).ToHaveTextAsync("In Progress");
        await logs.EvaluateAsync("() => { window.stillThisPage = true; }");

        var page = await NewPageAsync();
        await page.GotoAsync("/console#/datasets/held/imports");
        var row = page.GetByRole(AriaRole.Region, new() { Name = "Imports", Exact = true }).Locator("tbody tr");
        await Expect(row.Locator(".pill")).ToHaveTextAsync("In Progress");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel import {id}" }).ClickAsync();
        await Expect(row.Locator(".pill")).ToHaveTextAsync("Canceled");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Cancel import {id}" })).ToHaveCountAsync(0);

        await Expect(logRow.Locator(".pill")).ToHaveTextAsync("Canceled");
        Assert.True(await logs.EvaluateAsync<bool>("() => window.stillThisPage === true"));

        Assert.Equal("canceled", (string)(await Api.GetImportAsync(id))["status"]!);
        var dataset = await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/held");
        Assert.Equal(0, (long)dataset!["counts"]!["total"]!);
    }
}

/// <summary>With a master key: the shell loads without one, the console asks for a key, and a read key sees no write actions.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class KeyScopeTests(Browser browser)
    : ConsoleTest(browser, new IntakeServerFactory(new Dictionary<string, string?> { ["Security:MasterKey"] = MasterKey }))
{
    private const string MasterKey = "console-test-master-key-0123456789";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api.Http.DefaultRequestHeaders.Authorization = new("Bearer", MasterKey);
    }

    private async Task<string> CreateKeyAsync(params string[] scopes)
    {
        using var response = await Api.Http.PostAsJsonAsync("/v1/keys", new { name = string.Join("+", scopes), scopes, signed = false });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!;
    }

    [Fact]
    public async Task A_read_key_sees_no_write_actions_and_theApi_refuses_them_if_forced()
    {
        await Api.CreateDatasetAsync("shop", "Shop");
        await Api.ImportAsync("shop", ConsoleWalk.ProductsCsv);
        var readKey = await CreateKeyAsync("read");

        var page = await NewPageAsync();
        await page.GotoAsync("/console");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Sign in");
        await Screenshots.TakeAsync(page, "sign-in");

        await page.GetByLabel("API key").FillAsync("ik_key_nothing_like_a_key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("key_unknown");

        await page.GetByLabel("API key").FillAsync(readKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Datasets", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New Dataset" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Keys" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Shop", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shop", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Load Data" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Jobs of this dataset", Exact = true }).Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear Data" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Load Data" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).ClickAsync();
        var imports = page.GetByRole(AriaRole.Region, new() { Name = "Imports", Exact = true });
        await Expect(imports.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(imports.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // Forced: the same requests the hidden buttons would send, with the key the page holds.
        var statuses = await page.EvaluateAsync<string[]>(
            """
            async () => {
              const key = sessionStorage.getItem('intake.console.key');
              const send = async (method, path) => {
                const r = await fetch(path, { method, headers: { Authorization: `Bearer ${key}` } });
                return `${r.status} ${(await r.json()).code}`;
              };
              return [await send('POST', '/v1/datasets/shop/clear'), await send('POST', '/v1/datasets'), await send('GET', '/v1/keys')];
            }
            """);
        Assert.All(statuses, s => Assert.Equal("403 forbidden", s));
        Assert.Equal(6, (long)(await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/shop"))!["counts"]!["total"]!);

        Assert.DoesNotContain(readKey, page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('intake.console.key')"));
    }
}
