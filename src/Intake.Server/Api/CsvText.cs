using System.IO.Pipelines;
using System.Text;

namespace Intake.Server.Api;

/// <summary>Writes CSV (RFC 4180: quoted where a field holds a delimiter, quote, line break or edge space) to a response as it goes.</summary>
internal static class CsvText
{
    public static void AppendRow(StringBuilder row, ReadOnlySpan<string?> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }

            var field = fields[i] ?? "";
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' ')))
            {
                row.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                row.Append(field);
            }
        }

        row.Append('\n');
    }

    /// <summary>Appends UTF-8 text to the response, flushing once 64 KiB are waiting.</summary>
    public static async ValueTask WriteAsync(PipeWriter body, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        var span = body.GetSpan(bytes);
        Encoding.UTF8.GetBytes(text, span);
        body.Advance(bytes);
        if (body.UnflushedBytes > 1 << 16)
        {
            await body.FlushAsync(cancellationToken);
        }
    }
}
