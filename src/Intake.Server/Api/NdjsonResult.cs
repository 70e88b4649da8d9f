using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Intake.Server.Api;

/// <summary>Streams items as newline-delimited JSON, flushing as it goes, so a large result is never held in memory.</summary>
public sealed class NdjsonResult<T>(IAsyncEnumerable<T> items) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        httpContext.Response.ContentType = "application/x-ndjson; charset=utf-8";
        await StreamedBody.WriteAsync(httpContext, started => WriteAsync(httpContext, options, started));
    }

    private async Task WriteAsync(HttpContext httpContext, JsonSerializerOptions options, Action started)
    {
        var body = httpContext.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = options.Encoder });
        var count = 0;
        await foreach (var item in items.WithCancellation(httpContext.RequestAborted))
        {
            if (count == 0)
            {
                started();
            }

            JsonSerializer.Serialize(writer, item, options);
            await writer.FlushAsync(httpContext.RequestAborted);
            writer.Reset();
            body.Write("\n"u8);
            if (++count % 256 == 0)
            {
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }
}
