using System.Globalization;
using System.Text;
using Intake.Core.Records;

namespace Intake.Server.Api;

/// <summary>Streams an import's rejected records as CSV (<c>line,error_id,code,field,message</c>), flushing as it goes.</summary>
public sealed class ErrorsCsvResult(IAsyncEnumerable<RecordRejection> errors, string? fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = "text/csv; charset=utf-8";
        if (fileName is not null)
        {
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        }

        var body = response.BodyWriter;
        await CsvText.WriteAsync(body, "line,error_id,code,field,message\n", cancellationToken);
        var row = new StringBuilder();
        await foreach (var error in errors.WithCancellation(cancellationToken))
        {
            row.Clear();
            CsvText.AppendRow(row, [error.Line.ToString(CultureInfo.InvariantCulture), error.ErrorId, error.Code, error.Field, error.Message]);
            await CsvText.WriteAsync(body, row.ToString(), cancellationToken);
        }

        await body.FlushAsync(cancellationToken);
    }
}
