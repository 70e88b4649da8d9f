using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

// Loads one file through the console's Load Data page in Debian's chromium and samples the tab's memory every
// 250 ms: the renderer's JS heap (CDP Performance.getMetrics) and the resident memory of the renderer process
// and of every chromium process (from /proc). Usage: Intake.ConsoleMemory SERVER_URL DATASET_ID FILE
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Intake.ConsoleMemory SERVER_URL DATASET_ID FILE");
    return 2;
}

var (server, dataset, file) = (args[0], args[1], args[2]);
var size = new FileInfo(file).Length;
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
var page = await context.NewPageAsync();
var cdp = await context.NewCDPSessionAsync(page);
await cdp.SendAsync("Performance.enable");
// A loaded machine may be slow to serve the page; fail with what the page shows rather than a bare timeout.
page.SetDefaultTimeout(120_000);
await page.GotoAsync($"/console#/datasets/{dataset}/load");
try
{
    await page.GetByRole(AriaRole.Heading, new() { Name = "Load Data", Level = 1 }).WaitForAsync();
}
catch (TimeoutException)
{
    Console.Error.WriteLine("The Load Data page did not appear; the page shows: " + await page.Locator("main").InnerTextAsync());
    return 1;
}

var samples = new List<Sample>();
var phase = "page";
var started = DateTime.UtcNow;
async Task<Sample> SampleAsync()
{
    var metrics = await cdp.SendAsync("Performance.getMetrics");
    var heap = metrics!.Value.GetProperty("metrics").EnumerateArray()
        .First(m => m.GetProperty("name").GetString() == "JSHeapUsedSize").GetProperty("value").GetDouble();
    var (renderer, all) = ChromiumRss();
    return new Sample((DateTime.UtcNow - started).TotalSeconds, phase, (long)heap, renderer, all);
}

// "page": the Load Data page before a file is chosen; "idle": the 500 MB file chosen, nothing sent yet.
samples.Add(await SampleAsync());
await page.Locator("#load-file").SetInputFilesAsync(file);
phase = "idle";
samples.Add(await SampleAsync());
using var stop = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        samples.Add(await SampleAsync());
        await Task.Delay(250);
    }
});

phase = "upload";
await page.GetByRole(AriaRole.Button, new() { Name = "Upload and load" }).ClickAsync();
await page.GetByText("The file is on the server").WaitForAsync(new() { Timeout = 600_000 });
var uploadSeconds = (DateTime.UtcNow - started).TotalSeconds;
phase = "load";
await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Load " }).WaitForAsync(new() { Timeout = 1_200_000 });
phase = "done";
await Task.Delay(1000);
stop.Cancel();
await sampler;
var outcome = await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Load " }).InnerTextAsync();

static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
Console.WriteLine($"file: {Mb(size)}; upload took {uploadSeconds:0.0} s; {outcome.Trim()}");
Console.WriteLine($"{"phase",-8} {"JS heap max",14} {"renderer RSS max",18} {"all chromium RSS max",22}");
foreach (var group in samples.GroupBy(s => s.Phase))
{
    Console.WriteLine($"{group.Key,-8} {Mb(group.Max(s => s.JsHeap)),14} {Mb(group.Max(s => s.RendererRss)),18} {Mb(group.Max(s => s.AllRss)),22}");
}

var before = samples[0];
Console.WriteLine($"growth over the page before a file was chosen: JS heap {Mb(samples.Max(s => s.JsHeap) - before.JsHeap)}, renderer RSS {Mb(samples.Max(s => s.RendererRss) - before.RendererRss)}, all chromium RSS {Mb(samples.Max(s => s.AllRss) - before.AllRss)}");
File.WriteAllText(Path.ChangeExtension(file, ".memory.json"), JsonSerializer.Serialize(samples));
return 0;

// Only this bench's own chromium (a descendant of this process, through Playwright's driver) counts: other
// chromium processes on the machine, such as another run of the browser tests, are left out.
static (long Renderer, long All) ChromiumRss()
{
    var parents = new Dictionary<int, int>();
    foreach (var directory in Directory.EnumerateDirectories("/proc"))
    {
        if (int.TryParse(Path.GetFileName(directory), out var pid) && ReadParent(directory) is { } parent)
        {
            parents[pid] = parent;
        }
    }

    bool IsOurs(int pid)
    {
        for (var hops = 0; pid > 1 && hops < 64; hops++)
        {
            if (!parents.TryGetValue(pid, out pid))
            {
                return false;
            }

            if (pid == Environment.ProcessId)
            {
                return true;
            }
        }

        return false;
    }

    long renderer = 0, all = 0;
    foreach (var pid in parents.Keys.Where(IsOurs))
    {
        var directory = $"/proc/{pid}";
        try
        {
            var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
            if (!cmdline.StartsWith("/usr/lib/chromium/chromium", StringComparison.Ordinal))
            {
                continue;
            }

            var rssLine = File.ReadLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = rssLine is null ? 0 : long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            all += kb * 1024;
            if (cmdline.Contains("--type=renderer", StringComparison.Ordinal))
            {
                renderer += kb * 1024;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process ended while it was read.
        }
    }

    return (renderer, all);
}

static int? ReadParent(string directory)
{
    try
    {
        // /proc/PID/stat: "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
        var stat = File.ReadAllText(Path.Combine(directory, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
    {
        return null;
    }
}

internal sealed record Sample(double Seconds, string Phase, long JsHeap, long RendererRss, long AllRss);
