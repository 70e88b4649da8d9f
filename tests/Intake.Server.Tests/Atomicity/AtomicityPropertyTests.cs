using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests.Atomicity;

/// <summary>
/// Issue 14, item 12, the atomicity invariant as a property: after every import of a random sequence (random
/// write modes including replace and insert, valid and invalid records, error budgets; some imports malformed,
/// over a limit, canceled while queued or processing, or crashed and redelivered), the dataset's export, counts
/// and attribute types equal <see cref="DatasetModel"/>, which applies only the imports that completed, in
/// order; and each import ends with the status its records decide. One dataset per generated sequence.
/// </summary>
/// <remarks>
/// <c>INTAKE_ATOMICITY_CASES</c> sets the number of sequences per store, for longer runs on demand. By default
/// each store runs as many as take it about a minute on the CI machine (<see cref="DefaultCases"/>).
/// </remarks>
public abstract class AtomicityPropertyTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Limits:MaxRecords"] = (GeneratedImport.TooMany - 1).ToString(CultureInfo.InvariantCulture),
        ["Worker:BatchSize"] = "16",

        // The property checks the whole dataset after every import, far above a client's default rate.
        ["RateLimits:RequestsPerSecond"] = "100000",
        ["RateLimits:Burst"] = "100000",
    };

    private static int s_sequence;
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected AtomicityPropertyTests()
    {
        _factory = CreateFactory(FaultScript.Register);
    }

    protected abstract IntakeServerFactory CreateFactory(Action<IServiceCollection> services);

    /// <summary>Sequences run by default: measured on the 2-core CI machine, SQLite runs one in about 0.5 s, PostgreSQL in about 1.3 s.</summary>
    protected abstract int DefaultCases { get; }

    private FaultScript Faults => _factory.Services.GetRequiredService<FaultScript>();

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_dataset_always_equals_the_model_of_its_completed_imports()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("INTAKE_ATOMICITY_CASES"), out var n) && n > 0 ? n : DefaultCases;
        var property = Prop.ForAll(Arb.From(ImportScenarios.Sequences()), (GeneratedImport[] imports) => RunAsync(imports).GetAwaiter().GetResult());

        // Off xunit's synchronization context: the property blocks on each sequence, whose awaits then run on the pool.
        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true)));
    }

    private async Task RunAsync(GeneratedImport[] imports)
    {
        var dataset = "prop-" + Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture);
        await _client.CreateDatasetAsync(dataset);
        using (var declared = await _client.Http.PatchAsJsonAsync($"/v1/datasets/{dataset}/schema", new { attributes = new { n = "integer" } }))
        {
            await IntakeClient.ExpectAsync(declared, HttpStatusCode.OK);
        }

        var model = new DatasetModel();
        for (var i = 0; i < imports.Length; i++)
        {
            var import = imports[i];
            var fresh = "x" + i.ToString(CultureInfo.InvariantCulture);
            var predicted = DatasetModel.Predict(import, model);
            var done = await RunAsync(dataset, $"{dataset}-{i}", import, fresh);
            var status = (string)done["status"]!;
            var context = $"import {i} of [{string.Join(" / ", imports.Select(x => x.ToString()))}]: {done.ToJsonString()}";
            if (import.Fate is Fate.CancelQueued or Fate.CancelAfterFirstBatch or Fate.CancelBeforeCommit)
            {
                Assert.True(status == "canceled", context);
            }
            else
            {
                Assert.True((status, (string?)done["error"]?["code"]) == predicted, $"expected {predicted}; {context}");
            }

            if (status is "completed" or "completed_with_errors")
            {
                model.Apply(import, (string)done["id"]!, fresh);
            }

            await AssertEqualsModelAsync(dataset, model, context);
        }
    }

    /// <summary>Uploads one generated import and drives it to its fate; returns the import once final.</summary>
    private async Task<JsonObject> RunAsync(string dataset, string tag, GeneratedImport import, string fresh)
    {
        var query = $"?recordType={(import.Interactions ? "interaction" : "entity")}&mode={import.Mode}&tags={tag}" +
            (import.MaxErrors is { } max ? $"&maxErrors={max}" : "") +
            (import.MaxErrorRatio is { } ratio ? $"&maxErrorRatio={ratio.ToString(CultureInfo.InvariantCulture)}" : "");
        var json = import.ToJson(fresh);
        switch (import.Fate)
        {
            case Fate.CancelQueued:
                // Another import of the dataset, held while processing, keeps this one queued behind it.
                var blocker = tag + "-blocker";
                Faults.Hold(blocker, FaultPoint.AfterFirstBatch);
                var held = await _client.UploadAsync(dataset, """[{"id":"blocker","type":"p"}]""", $"?recordType=entity&tags={blocker}", "application/json");
                await Faults.HeldAsync(blocker);
                var queued = await _client.UploadAsync(dataset, json, query, "application/json");
                Assert.Equal("queued", (string)(await _client.GetImportAsync((string)queued["id"]!))["status"]!);
                var canceled = await CancelAsync((string)queued["id"]!);
                Assert.Equal("canceled", (string)(await CancelAsync((string)held["id"]!))["status"]!);
                return canceled;
            case Fate.CancelAfterFirstBatch or Fate.CancelBeforeCommit:
                Faults.Hold(tag, import.Fate == Fate.CancelAfterFirstBatch ? FaultPoint.AfterFirstBatch : FaultPoint.BeforeCommit);
                var processing = await _client.UploadAsync(dataset, json, query, "application/json");
                await Faults.HeldAsync(tag);
                return await CancelAsync((string)processing["id"]!);
            case Fate.CrashAfterFirstBatch:
                Faults.Crash(tag, FaultPoint.AfterFirstBatch);
                break;
            case Fate.CrashBeforeCommit:
                Faults.Crash(tag, FaultPoint.BeforeCommit);
                break;
            case Fate.CrashAfterCommit:
                Faults.Crash(tag, FaultPoint.AfterCommit);
                break;
        }

        return await _client.ImportAsync(dataset, json, query, "application/json");
    }

    private async Task<JsonObject> CancelAsync(string importId)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{importId}/cancel", null);
        await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
        return await _client.WaitForFinalAsync(importId);
    }

    private async Task AssertEqualsModelAsync(string dataset, DatasetModel model, string context)
    {
        var exported = (await _client.ExportAsync(dataset)).Select(Line).Order(StringComparer.Ordinal).ToList();
        var expected = model.Lines();
        Assert.True(expected.SequenceEqual(exported),
            $"export differs from the model\nexpected:\n  {string.Join("\n  ", expected)}\nexported:\n  {string.Join("\n  ", exported)}\n{context}");
        var counts = await _client.CountsAsync(dataset);
        Assert.True(((long)counts["entities"]!, (long)counts["interactions"]!) == model.Counts, $"counts {counts.ToJsonString()} differ from {model.Counts}; {context}");
        var schema = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}/schema"))!["attribute_types"]!.AsObject();
        var types = string.Join(",", schema.Select(t => $"{t.Key}:{(string)t.Value!}").Order(StringComparer.Ordinal));
        Assert.True(types == model.AttributeTypes, $"attribute types {types} differ from {model.AttributeTypes}; {context}");
    }

    /// <summary>An exported record as the model's canonical line.</summary>
    private static string Line(JsonObject record)
    {
        var attributes = record["attributes"] is JsonObject values
            ? string.Join(";", values.Select(a => $"{a.Key}={(a.Value!.GetValueKind() == JsonValueKind.String ? (string)a.Value! : a.Value.ToJsonString())}").Order(StringComparer.Ordinal))
            : "";
        var interaction = (string)record["kind"]! == "interaction";
        var key = interaction
            ? $"{(string)record["source_id"]!}|{(string)record["target_id"]!}|{DateTimeOffset.Parse((string)record["timestamp"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()}|"
            : $"{(string)record["id"]!}|||{(string?)record["name"]}";
        return $"{(string)record["kind"]!}|{(string)record["type"]!}|{key}|{attributes}|{(string)record["batch_id"]!}";
    }
}

public sealed class SqliteAtomicityPropertyTests : AtomicityPropertyTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new(Settings, services);

    protected override int DefaultCases => 100;
}

public sealed class PostgresAtomicityPropertyTests : AtomicityPropertyTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new PostgresServerFactory(Settings, services);

    protected override int DefaultCases => 45;
}
