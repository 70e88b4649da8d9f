using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Console.Tests.Infrastructure;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intake.Console.Tests;

/// <summary>The issue's acceptance walks through the console on SQLite, one server for the class.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleWalkTests(Browser browser) : ConsoleTest(browser, new IntakeServerFactory())
{
    [Fact]
    public async Task Create_a_dataset_load_a_file_with_bad_rows_read_its_log_and_clear_it()
    {
        var page = await NewPageAsync();
        var walk = new ConsoleWalk(page, Api);

        var id = await walk.CreateDatasetAsync("Shop catalog", "Products from the web shop (entity records)");
        var importId = await walk.LoadDataAsync("Shop catalog", ConsoleWalk.ProductsCsv, "products.csv", read: 8, written: 6, rejected: 2);
        await walk.CheckLogViewAsync(importId, received: 8, loaded: 6, rejected: 2);

        await page.GotoAsync($"/console#/datasets/{id}");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Records by type", Exact = true })).ToContainTextAsync("product");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Records written and rejected in the last 1 loads" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Attribute types", Exact = true })).ToContainTextAsync("double");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "a dataset's Overview");
        await Screenshots.TakeAsync(page, "dataset-overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).ClickAsync();
        var imports = page.GetByRole(AriaRole.Region, new() { Name = "Imports", Exact = true });
        await Expect(imports.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(imports).ToContainTextAsync("product-data");
        await imports.GetByRole(AriaRole.Button, new() { Name = $"Archive import {importId}" }).ClickAsync();
        await Expect(imports.GetByRole(AriaRole.Button, new() { Name = $"Unarchive import {importId}" })).ToBeVisibleAsync();
        Assert.True((bool)(await Api.GetImportAsync(importId))["archived"]!);
        await imports.GetByRole(AriaRole.Button, new() { Name = $"Unarchive import {importId}" }).ClickAsync();
        await Expect(imports.GetByRole(AriaRole.Button, new() { Name = $"Archive import {importId}" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "a dataset's Imports tab");
        await Screenshots.TakeAsync(page, "dataset-imports");

        await page.GotoAsync("/console#/datasets");
        var list = page.GetByRole(AriaRole.Region, new() { Name = "Datasets", Exact = true });
        await Expect(list.Locator("tbody tr").Filter(new() { HasText = id })).ToContainTextAsync("Completed with errors");
        await Expect(list.Locator("tbody tr").Filter(new() { HasText = id }).Locator("td").Nth(3)).ToHaveTextAsync("6");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Datasets");
        await Screenshots.TakeAsync(page, "datasets");

        await walk.ClearDataAsync(id, "Shop catalog");
    }

    [Fact]
    public async Task A_replace_load_shows_how_many_stored_records_it_deleted_and_its_log_says_so()
    {
        await Api.CreateDatasetAsync("sync", "Catalog sync");
        await Api.ImportAsync("sync", "id,type,name,metadata,media_url\nsku-1,product,Apple,,\nsku-2,product,Pear,,\nsku-3,product,Plum,,\n");
        var page = await NewPageAsync();
        await page.GotoAsync("/console#/datasets/sync/load");
        var directory = Directory.CreateTempSubdirectory("intake-console-");
        var path = Path.Combine(directory.FullName, "tonight.csv");
        await File.WriteAllTextAsync(path, "id,type,name,metadata,media_url\nsku-1,product,Apple,,\n");
        try
        {
            await page.GetByLabel("File").SetInputFilesAsync(path);
            await page.GetByLabel("Mode").SelectOptionAsync("replace");
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and load" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Load completed" })).ToContainTextAsync("1 written, 0 rejected, 2 deleted.");
            await Expect(page.Locator("[data-stat='records-deleted'] .value")).ToHaveTextAsync("2");
            await Screenshots.TakeAsync(page, "load-data-replace");
            await page.GetByRole(AriaRole.Link, new() { Name = "Open the Log View" }).ClickAsync();
            await Expect(page.Locator("td[data-stat='Deleted']")).ToHaveTextAsync("2");
            await Accessibility.AssertNoSeriousViolationsAsync(page, "a replace load's Log View");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Load_Data_plans_first_shows_the_counts_and_samples_writes_nothing_and_applies_the_plan()
    {
        await Api.CreateDatasetAsync("plan", "Plan first");
        await Api.ImportAsync("plan", "id,type,name,metadata,media_url\nsku-1,product,Apple,\"{\"\"price\"\": 1.5}\",\nsku-2,product,Pear,\"{\"\"price\"\": 2.5}\",\n");
        var page = await NewPageAsync();
        await page.GotoAsync("/console#/datasets/plan/load");
        var directory = Directory.CreateTempSubdirectory("intake-console-");
        var path = Path.Combine(directory.FullName, "next.csv");
        await File.WriteAllTextAsync(path,
            "id,type,name,metadata,media_url\n" +
            "sku-1,product,Apple,\"{\"\"price\"\": 1.5}\",\n" +
            "sku-2,product,Pear,\"{\"\"price\"\": 2.75}\",\n" +
            "sku-3,product,Plum,\"{\"\"price\"\": 3.5}\",\n" +
            "sku-4,product,Fig,\"{\"\"price\"\": \"\"dear\"\"}\",\n");
        try
        {
            await page.GetByLabel("File").SetInputFilesAsync(path);
            await page.GetByLabel("Plan first").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and plan" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Plan ready" })).ToContainTextAsync("nothing was written");
            foreach (var (kind, count) in new[] { ("insert", "1"), ("update", "1"), ("unchanged", "1"), ("delete", "0"), ("rejected", "1") })
            {
                await Expect(page.Locator($"[data-stat='plan-{kind}'] .value")).ToHaveTextAsync(count);
            }

            var update = page.GetByRole(AriaRole.Region, new() { Name = "Samples: update", Exact = true });
            await Expect(update.Locator("tbody tr td").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex("\"price\":2\\.5[,}]"));
            await Expect(update.Locator("tbody tr td").Nth(1)).ToContainTextAsync("\"price\":2.75");
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Samples: insert", Exact = true })).ToContainTextAsync("sku-3");
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Rejected records", Exact = true })).ToContainTextAsync("InvalidType");
            Assert.Equal(2, (long)(await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/plan"))!["counts"]!["total"]!);
            await Accessibility.AssertNoSeriousViolationsAsync(page, "Load Data with a plan");
            await Screenshots.TakeAsync(page, "load-data-plan");

            await page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Applied by import")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Load completed with errors" })).ToContainTextAsync("3 written, 1 rejected");
            Assert.Equal(3, (long)(await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/plan"))!["counts"]!["total"]!);
            var pear = await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/plan/entities/product/sku-2");
            Assert.Equal(2.75, (double)pear!["attributes"]!["price"]!);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Logs_filter_by_job_type_status_and_dataset_then_reset()
    {
        await Api.CreateDatasetAsync("orders", "Web orders");
        await Api.CreateDatasetAsync("crm", "Customer records");
        await Api.ImportAsync("orders", ConsoleWalk.ProductsCsv);
        await Api.ImportAsync("crm", "id,type,name,metadata,media_url\nc1,customer,Ann,,\n");
        var page = await NewPageAsync();

        await page.GotoAsync("/console#/logs");
        var jobs = page.GetByRole(AriaRole.Region, new() { Name = "Jobs", Exact = true }).Locator("tbody tr");
        await Expect(jobs).ToHaveCountAsync(4);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Logs");
        await Screenshots.TakeAsync(page, "logs");

        await page.GetByLabel("Job Type").SelectOptionAsync(new SelectOptionValue { Label = "File Upload" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(jobs).ToHaveCountAsync(2);
        foreach (var row in await jobs.AllAsync())
        {
            await Expect(row.Locator("td").First).ToHaveTextAsync("File Upload");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset Filters" }).ClickAsync();
        await Expect(jobs).ToHaveCountAsync(4);
        await Expect(page.GetByLabel("Job Type")).ToHaveValueAsync("");

        await page.GetByLabel("Job Type").SelectOptionAsync(new SelectOptionValue { Label = "Dataset Load" });
        await page.GetByLabel("Status").SelectOptionAsync(new SelectOptionValue { Label = "Completed with errors" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(jobs).ToHaveCountAsync(1);
        await Expect(jobs.First).ToContainTextAsync("orders");
        await Expect(jobs.First.Locator(".pill")).ToHaveTextAsync("Completed with errors");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset Filters" }).ClickAsync();
        await page.GetByLabel("Dataset").FillAsync("CUSTOMER");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(jobs).ToHaveCountAsync(2);
        foreach (var row in await jobs.AllAsync())
        {
            await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("crm");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset Filters" }).ClickAsync();
        await Expect(jobs).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task Keys_are_created_with_their_secret_shown_once_and_revoked()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/console#/keys");
        await page.GetByLabel("Name").FillAsync("nightly sync");
        await page.GetByLabel("write (uploads, imports, cancel, archive)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        var shown = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "created" });
        await Expect(shown).ToContainTextAsync("shown only this once");
        await Expect(shown.GetByRole(AriaRole.Button, new() { Name = "Copy the secret" })).ToBeVisibleAsync();
        var secret = (await page.Locator("#new-secret").InnerTextAsync()).Trim();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me"))
        {
            request.Headers.Authorization = new("Bearer", secret);
            using var response = await Api.Http.SendAsync(request);
            var me = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(["read", "write"], me["scopes"]!.AsArray().Select(s => (string)s!));
        }

        var keys = page.GetByRole(AriaRole.Region, new() { Name = "Keys", Exact = true });
        await Expect(keys.Locator("tbody tr").Filter(new() { HasText = "nightly sync" })).ToContainTextAsync("active");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Keys");
        await Screenshots.TakeAsync(page, "keys");

        await keys.GetByRole(AriaRole.Button, new() { Name = "Revoke key nightly sync" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(keys.Locator("tbody tr").Filter(new() { HasText = "nightly sync" })).ToContainTextAsync("revoked");
        Assert.DoesNotContain(secret, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_narrow_window_shows_every_page_without_accessibility_violations_or_requests_elsewhere()
    {
        await Api.CreateDatasetAsync("narrow", "Narrow");
        var load = await Api.ImportAsync("narrow", ConsoleWalk.ProductsCsv);
        var page = await NewPageAsync(width: 390, height: 844);
        foreach (var (hash, heading, shot) in new[]
        {
            ("#/datasets", "Datasets", "datasets-narrow"),
            ("#/datasets/narrow", "narrow", "dataset-narrow"),
            ("#/datasets/narrow/load", "Load Data", "load-data-narrow"),
            ("#/logs", "Logs", "logs-narrow"),
            ($"#/jobs/{(string)load["jobs"]!["dataset_load"]!}", "Dataset Load", "log-view-narrow"),
        })
        {
            await page.GotoAsync("/console" + hash);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("Loading…")).ToHaveCountAsync(0);
            await Accessibility.AssertNoSeriousViolationsAsync(page, hash + " at 390 px");
            var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
            Assert.False(overflow, $"{hash} is wider than a 390 px window");
            if (shot is "datasets-narrow" or "load-data-narrow")
            {
                await Screenshots.TakeAsync(page, shot);
            }
        }

        // The shell, its versioned assets and the API: everything came from this server.
        Assert.Contains(Requests, url => url.Contains("/console/assets/", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(Requests, url => url.Contains("/v1/me", StringComparison.Ordinal));
        AssertNoRequestOffOrigin();
    }

    [Fact]
    public async Task New_Dataset_by_keyboard_alone_shows_the_APIs_error_and_code_in_the_dialog()
    {
        await Api.CreateDatasetAsync("orders", "Web orders");
        var page = await NewPageAsync();
        await page.GotoAsync("/console#/datasets");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Datasets", Level = 1 })).ToBeVisibleAsync();

        var newDataset = page.GetByRole(AriaRole.Button, new() { Name = "New Dataset" });
        for (var i = 0; i < 15 && !await newDataset.EvaluateAsync<bool>("b => b === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(newDataset).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New Dataset" });
        await Expect(dialog.GetByLabel("Name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Orders again");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("A second dataset with a taken id");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByLabel("ID (optional)")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("orders");
        await page.Keyboard.PressAsync("Enter");

        var alert = dialog.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("(dataset_exists)");
        await Expect(alert).ToContainTextAsync("Dataset 'orders' exists already.");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the New Dataset dialog with an error");

        await dialog.GetByLabel("ID (optional)").FillAsync("orders-2");
        await dialog.GetByLabel("ID (optional)").PressAsync("Enter");
        var created = page.GetByRole(AriaRole.Dialog, new() { Name = "Dataset created" });
        await Expect(created.GetByRole(AriaRole.Button, new() { Name = "View dataset" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders again", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal("Orders again", (string)(await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/orders-2"))!["name"]!);
    }

    [Fact]
    public async Task Rejected_records_are_paged_and_downloaded_as_NDJSON_and_a_batch_is_deleted_after_its_confirmation()
    {
        await Api.CreateDatasetAsync("many", "Many rejections");
        var csv = new System.Text.StringBuilder("id,type,name,metadata,media_url\n");
        for (var i = 1; i <= 65; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"m{i},product,Item {i},\"{{\"\"price\"\": {(i <= 5 ? "1" : "\"\"x\"\"")}}}\",\n");
        }

        var import = await Api.ImportAsync("many", csv.ToString());
        Assert.Equal(60, (long)import["progress"]!["records_rejected"]!);
        var page = await NewPageAsync();
        await page.GotoAsync($"/console#/jobs/{(string)import["jobs"]!["dataset_load"]!}");

        var rejected = page.GetByRole(AriaRole.Region, new() { Name = "Rejected records", Exact = true }).Locator("tbody tr");
        await Expect(page.GetByText("Showing 1–50 of 60")).ToBeVisibleAsync();
        await Expect(rejected).ToHaveCountAsync(50);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous page" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.GetByText("Showing 51–60 of 60")).ToBeVisibleAsync();
        await Expect(rejected).ToHaveCountAsync(10);
        await Expect(rejected.First.Locator("td").First).ToHaveTextAsync("57");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download NDJSON" }).ClickAsync());
        Assert.Equal($"{(string)import["id"]!}-rejected.ndjson", download.SuggestedFilename);
        var records = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(7, 60).Select(n => (long)n), records.Select(r => (long)r["line"]!));
        Assert.All(records, r => Assert.Equal("InvalidType", (string)r["code"]!));

        await page.GotoAsync("/console#/datasets/many/imports");
        var imports = page.GetByRole(AriaRole.Region, new() { Name = "Imports", Exact = true });
        await imports.GetByRole(AriaRole.Button, new() { Name = $"Delete batch {(string)import["id"]!}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this batch?" });
        await Expect(dialog).ToContainTextAsync("“Many rejections”");
        await Expect(dialog).ToContainTextAsync("cannot be undone");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Delete batch confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete batch" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete Batch", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("td[data-stat='Removed']")).ToHaveTextAsync("5");
        Assert.Equal(0, (long)(await Api.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/many"))!["counts"]!["total"]!);
    }
}
