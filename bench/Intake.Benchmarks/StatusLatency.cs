using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Intake.Benchmarks;

/// <summary>
/// Latency of <c>GET /v1/imports/{id}</c>, the status poll, from a process of its own at a steady rate: first on an
/// idle server (polling a finished import), then while FILE loads (imported again into a fresh dataset until enough
/// polls have answered "processing"). Requests are sent on schedule whether or not earlier ones have answered, and each
/// is timed from its scheduled moment, so a stall shows in the figures instead of delaying the next requests.
/// </summary>
internal static class StatusLatency
{
    public static async Task RunAsync(string baseUrl, string file, int rate, int minimum)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(10),
        };

        var idleImport = await ImportAsync(http, "latency-idle", new ByteArrayContent("id,type,name,metadata,media_url\na,p,a,,\n"u8.ToArray()));
        await WaitForFinalAsync(http, idleImport);

        // Warm-up, not counted: the server compiles each method fully on first use (no quick JIT), and the
        // connection pools fill.
        await PollAsync(http, idleImport, rate, TimeSpan.FromSeconds(2), _ => true);
        var server = await ServerSide.StartAsync(http);
        var idle = await PollAsync(http, idleImport, rate, TimeSpan.FromSeconds(minimum / (double)rate + 1), _ => true);
        Print("idle", idle.Take(minimum).ToList(), "");
        Console.WriteLine(await server.StopAsync());

        server = await ServerSide.StartAsync(http);
        var loading = new List<double>();
        var rounds = 0;
        while (loading.Count < minimum && rounds < 20)
        {
            rounds++;
            await using var body = File.OpenRead(file);
            var content = new StreamContent(body, 1 << 20);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            var importId = await ImportAsync(http, $"latency-{rounds}", content);
            var samples = await PollAsync(http, importId, rate, TimeSpan.FromMinutes(10), status => status == "processing", until: status => status is not ("queued" or "processing"));
            loading.AddRange(samples);
        }

        Print("during load", loading, $" ({rounds} imports of {Path.GetFileName(file)})");
        Console.WriteLine(await server.StopAsync());
    }

    /// <summary>
    /// Polls at <paramref name="rate"/> per second until <paramref name="until"/> holds for an answer or <paramref name="limit"/>
    /// passes; returns the latencies (ms) of the answers whose status <paramref name="keep"/> accepts.
    /// </summary>
    private static async Task<List<double>> PollAsync(HttpClient http, string importId, int rate, TimeSpan limit, Func<string, bool> keep,
        Func<string, bool>? until = null)
    {
        var interval = Stopwatch.Frequency / (double)rate;
        var clock = Stopwatch.StartNew();
        var pending = new List<Task<(double Ms, string Status)>>();
        var done = false;
        for (long i = 0; !done && clock.Elapsed < limit; i++)
        {
            var due = (long)(i * interval);
            while (clock.ElapsedTicks < due)
            {
                Thread.Sleep(clock.ElapsedTicks + Stopwatch.Frequency / 1000 < due ? 1 : 0);
            }

            pending.Add(GetAsync(http, importId, clock, due));
            if (until is not null && i % rate == 0)
            {
                done = pending.Where(t => t.IsCompleted).Any(t => until(t.Result.Status));
            }

            if (until is null && pending.Count >= rate * limit.TotalSeconds)
            {
                break;
            }
        }

        var answers = await Task.WhenAll(pending);
        return answers.Where(a => keep(a.Status)).Select(a => a.Ms).ToList();
    }

    private static async Task<(double Ms, string Status)> GetAsync(HttpClient http, string importId, Stopwatch clock, long due)
    {
        using var response = await http.GetAsync($"/v1/imports/{importId}");
        var text = await response.Content.ReadAsStringAsync();
        var ms = (clock.ElapsedTicks - due) * 1000.0 / Stopwatch.Frequency;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /v1/imports/{importId} answered {(int)response.StatusCode}: {text}");
        }

        return (ms, (string)JsonNode.Parse(text)!["status"]!);
    }

    private static async Task<string> ImportAsync(HttpClient http, string dataset, HttpContent content)
    {
        using (var create = await http.PostAsync("/v1/datasets", new StringContent($$"""{"id":"{{dataset}}","name":"{{dataset}}"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            if (create.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
            {
                throw new InvalidOperationException($"Creating dataset {dataset} answered {(int)create.StatusCode}.");
            }
        }

        content.Headers.ContentType ??= MediaTypeHeaderValue.Parse("text/csv");
        using var response = await http.PostAsync($"/v1/datasets/{dataset}/imports", content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The upload answered {(int)response.StatusCode}: {text}");
        }

        return (string)JsonNode.Parse(text)!["id"]!;
    }

    private static async Task WaitForFinalAsync(HttpClient http, string importId)
    {
        while ((string)JsonNode.Parse(await http.GetStringAsync($"/v1/imports/{importId}"))!["status"]! is "queued" or "processing")
        {
            await Task.Delay(20);
        }
    }

    private static void Print(string what, List<double> latencies, string note)
    {
        latencies.Sort();
        double At(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-12} n={latencies.Count} p50={At(0.50):F1} ms p99={At(0.99):F1} ms max={(latencies.Count == 0 ? double.NaN : latencies[^1]):F1} ms{note}"));
    }
}
