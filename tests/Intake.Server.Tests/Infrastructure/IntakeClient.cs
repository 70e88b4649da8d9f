using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>A thin test client over the native API: every call asserts nothing but returns what came back.</summary>
public sealed class IntakeClient(HttpClient http)
{
    private static readonly TimeSpan s_waitLimit = TimeSpan.FromSeconds(60);

    public HttpClient Http => http;

    public async Task<JsonObject> CreateDatasetAsync(string id, string? name = null)
    {
        using var response = await http.PostAsJsonAsync("/v1/datasets", new { id, name = name ?? id });
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Creates the dataset unless it exists (for fixtures shared by several tests).</summary>
    public async Task EnsureDatasetAsync(string id)
    {
        using var response = await http.PostAsJsonAsync("/v1/datasets", new { id, name = id });
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new HttpRequestException($"Creating dataset {id} answered {(int)response.StatusCode}.");
        }
    }

    /// <summary>Uploads <paramref name="content"/> as the body; returns the 202 import.</summary>
    public async Task<JsonObject> UploadAsync(string dataset, byte[] content, string query = "", string contentType = "text/csv", bool gzipEncoding = false)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzipEncoding)
        {
            body.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await http.PostAsync($"/v1/datasets/{dataset}/imports{query}", body);
        return await ExpectAsync(response, HttpStatusCode.Accepted);
    }

    public Task<JsonObject> UploadAsync(string dataset, string content, string query = "", string contentType = "text/csv") =>
        UploadAsync(dataset, Encoding.UTF8.GetBytes(content), query, contentType);

    /// <summary>Uploads and waits for a final status.</summary>
    public async Task<JsonObject> ImportAsync(string dataset, string content, string query = "", string contentType = "text/csv")
    {
        var import = await UploadAsync(dataset, content, query, contentType);
        return await WaitForFinalAsync((string)import["id"]!);
    }

    public async Task<JsonObject> GetImportAsync(string id) => (await http.GetFromJsonAsync<JsonObject>($"/v1/imports/{id}"))!;

    public async Task<JsonObject> WaitForFinalAsync(string importId) => await WaitForAsync(importId, IsFinal);

    public async Task<JsonObject> WaitForAsync(string importId, Func<string, bool> status)
    {
        var deadline = DateTime.UtcNow + s_waitLimit;
        while (true)
        {
            var import = await GetImportAsync(importId);
            if (status((string)import["status"]!))
            {
                return import;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Import {importId} is still {(string)import["status"]!}: {import.ToJsonString()}");
            }

            await Task.Delay(25);
        }
    }

    public async Task<JsonObject> WaitForJobAsync(string jobId)
    {
        var deadline = DateTime.UtcNow + s_waitLimit;
        while (true)
        {
            var job = (await http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}"))!;
            if (IsFinal((string)job["status"]!))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} is still {(string)job["status"]!}.");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The NDJSON export as parsed lines.</summary>
    public async Task<List<JsonObject>> ExportAsync(string dataset, string query = "")
    {
        var text = await http.GetStringAsync($"/v1/datasets/{dataset}/export{query}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    public async Task<List<JsonObject>> ErrorsAsync(string importId)
    {
        var text = await http.GetStringAsync($"/v1/imports/{importId}/errors");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    public async Task<JsonObject> CountsAsync(string dataset) =>
        (await http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}"))!["counts"]!.AsObject();

    public static bool IsFinal(string status) => status is "completed" or "completed_with_errors" or "failed" or "canceled" or "planned";

    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    public static async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            var cause = (int)response.StatusCode >= 500 ? Environment.NewLine + ServerErrors.About(TraceId(text)) : "";
            throw new HttpRequestException($"Expected {(int)expected} but got {(int)response.StatusCode}: {text}{cause}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private static string? TraceId(string problem)
    {
        try
        {
            return (string?)JsonNode.Parse(problem)?["trace_id"];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
