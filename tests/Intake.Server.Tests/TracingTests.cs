using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// OTLP export (over HTTP, to a real collector on 127.0.0.1): one trace per job, with the spans the issue names,
/// and the <c>Intake</c> metrics beside them.
/// </summary>
public abstract class TracingTests : IAsyncLifetime
{
    private const string Csv = "id,type,name,metadata,media_url\na,p,A,,\nb,p,B,,\n";
    private static readonly TimeSpan s_exportWait = TimeSpan.FromSeconds(60);

    private readonly OtlpReceiver _collector = new();
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected TracingTests()
    {
        _factory = CreateFactory(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = _collector.Url,
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
            ["Telemetry:OtlpIntervalSeconds"] = "1",
        });
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Each_job_is_one_trace_with_fetch_or_stage_parse_and_validate_write_and_commit_spans_exported_over_OTLP()
    {
        await _client.CreateDatasetAsync("traced");
        await using var files = await LocalFileServer.StartAsync(new Dictionary<string, string> { ["/f.csv"] = Csv });
        var uploaded = await _client.ImportAsync("traced", Csv);
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/traced/imports", new { url = files.Url("/f.csv") });
        var fetched = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);
        Assert.Equal(["completed", "completed"], new[] { uploaded, fetched }.Select(i => (string)i["status"]!));

        string Job(JsonObject import, string kind) => (string)import["jobs"]![kind]!;
        var loads = new[] { Job(uploaded, "dataset_load"), Job(fetched, "dataset_load") };
        var (stagedBy, fetchedBy) = (Job(uploaded, "file_upload"), Job(fetched, "file_upload"));
        ReceivedSpan? RootOf(string jobId, IReadOnlyList<ReceivedSpan> spans) =>
            spans.SingleOrDefault(s => s.Name.StartsWith("job ", StringComparison.Ordinal) && s.Attribute("intake.job.id") == jobId);
        await _collector.WaitForAsync(c =>
        {
            var spans = c.Spans;
            return loads.All(load => RootOf(load, spans) is { } root && spans.Count(s => s.ParentSpanId == root.SpanId) >= 3) &&
                RootOf(fetchedBy, spans) is { } fetch && spans.Any(s => s.ParentSpanId == fetch.SpanId) &&
                spans.FirstOrDefault(s => s.Name == "stage" && s.Attribute("intake.job.id") == stagedBy) is { } staged &&
                spans.Any(s => s.SpanId == staged.ParentSpanId) &&
                c.MetricsMention("intake.imports.accepted") && c.MetricsMention("intake.jobs.queued");
        }, s_exportWait);

        var spans = _collector.Spans;
        Assert.Empty(_collector.Refused);
        var traces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var load in loads)
        {
            var root = RootOf(load, spans)!;
            Assert.Equal(("job dataset_load", "", "traced"), (root.Name, root.ParentSpanId, root.Attribute("intake.dataset")));
            Assert.Equal("completed", root.Attribute("intake.job.status"));
            var trace = spans.Where(s => s.TraceId == root.TraceId && s != root).ToList();
            Assert.Equal(["commit", "parse and validate", "write"], trace.Select(s => s.Name).Order(StringComparer.Ordinal));
            Assert.All(trace, s => Assert.Equal(root.SpanId, s.ParentSpanId));
            Assert.True(traces.Add(root.TraceId), "Two jobs share a trace.");
        }

        // A URL import's download is its file_upload job, a trace of its own.
        var fetchRoot = RootOf(fetchedBy, spans)!;
        Assert.Equal(("job file_upload", ""), (fetchRoot.Name, fetchRoot.ParentSpanId));
        Assert.Equal(["fetch"], spans.Where(s => s.TraceId == fetchRoot.TraceId && s != fetchRoot).Select(s => s.Name));
        Assert.True(traces.Add(fetchRoot.TraceId), "The fetch shares a trace with a load.");

        // A direct upload's file_upload job runs inside its request: the stage span is a child of the request's span.
        var stage = spans.Single(s => s.Name == "stage" && s.Attribute("intake.job.id") == stagedBy);
        Assert.Equal((string)uploaded["id"]!, stage.Attribute("intake.import.id"));
        var request = spans.Single(s => s.SpanId == stage.ParentSpanId);
        Assert.StartsWith("POST", request.Name, StringComparison.Ordinal);
        Assert.True(traces.Add(stage.TraceId), "The upload's request shares a trace with a job.");
    }
}

public sealed class SqliteTracingTests : TracingTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new(settings);
}

public sealed class PostgresTracingTests : TracingTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new PostgresServerFactory(settings);
}
