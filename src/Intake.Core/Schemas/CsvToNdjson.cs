using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Text;

namespace Intake.Core.Schemas;

/// <summary>One CSV row that was not converted: its physical line, the column concerned (if one is) and why.</summary>
public readonly record struct ConvertProblem(long Line, string? Column, string Message);

/// <summary>What a conversion did: data rows read (blank lines aside), rows written, rows refused.</summary>
public sealed record ConvertSummary(long Rows, long Written, long Rejected);

/// <summary>
/// Converts a CSV file with dotted headers into NDJSON, one object per row, streaming: memory is the reader's
/// buffer plus one row, whatever the file's size. Rows become objects through <see cref="DottedCsvToJson"/>, the
/// same code the server reads such files with, so <c>link.email</c> and <c>link.system_name</c> give one
/// <c>link</c> object wherever the columns stand and <c>products.0.sku</c> an array element. Values are typed by the
/// schema passed in, and are strings without one. The input may be UTF-8 (with or without a BOM) or UTF-16 with a
/// BOM. A header whose columns collide is refused before anything is written; a bad row is reported and skipped,
/// and the conversion goes on. One instance converts one file.
/// </summary>
public sealed class CsvToNdjson(byte delimiter = (byte)',', RecordSchema? schema = null, int maxRecordBytes = 16 << 20)
{
    // Without a schema nothing is guessed: every cell stays a string, and digit segments still index arrays.
    private static readonly Func<string, JsonTypes> s_untyped = _ => JsonTypes.String | JsonTypes.Array | JsonTypes.Object;

    /// <summary>
    /// Reads <paramref name="input"/> to its end and writes NDJSON to <paramref name="output"/> (neither is disposed).
    /// Each refused row goes to <paramref name="rejected"/> as it is found.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.HeaderMismatch"/> when header columns collide (the message names
    /// every pair); <see cref="ErrorCodes.EmptyFile"/> or <see cref="ErrorCodes.MalformedFile"/> when there is no readable header.</exception>
    public ConvertSummary Convert(Stream input, Stream output, Action<ConvertProblem> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rejected);
        // Not disposed: the layers over the caller's stream hold only buffers, and the caller owns the stream.
        var utf8 = Utf8Input(input);
        using var reader = new CsvRowReader(utf8, delimiter, maxRecordBytes: maxRecordBytes, leaveOpen: true);
        var header = reader.ReadHeader();
        var converter = new DottedCsvToJson(header.Columns, schema is null ? s_untyped : schema.TypesAt);
        var conflicts = converter.HeaderConflicts();
        if (conflicts.Count > 0)
        {
            throw new IntakeException(ErrorCodes.HeaderMismatch,
                $"The header has columns that collide, so a value would be dropped or overwritten: {string.Join(" ", conflicts.Select(c => c.Message))}");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        // Text as itself ("Zoë", not \u00EB): still valid JSON, and what a person reading the file expects.
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonTextEncoder.Instance });
        long rows = 0, written = 0;
        while (true)
        {
            var result = reader.TryReadRow(out var row);
            if (result == CsvReadResult.End)
            {
                break;
            }

            if ((rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (result == CsvReadResult.Malformed)
            {
                rows++;
                rejected(new ConvertProblem(reader.Line, null, reader.LastError ?? "The row is not valid CSV."));
                continue;
            }

            if (row.IsBlank)
            {
                continue;
            }

            rows++;
            if (row.Count != header.Columns.Count)
            {
                rejected(new ConvertProblem(row.Line, null, $"The row has {row.Count} fields; the header has {header.Columns.Count}."));
                continue;
            }

            buffer.ResetWrittenCount();
            json.Reset(buffer);
            if (!converter.TryWrite(row, json, out var problem))
            {
                rejected(new ConvertProblem(row.Line, problem.Column, problem.Message));
                continue;
            }

            json.Flush();
            buffer.Write("\n"u8);
            output.Write(buffer.WrittenSpan);
            written++;
        }

        return new ConvertSummary(rows, written, rows - written);
    }

    /// <summary>
    /// UTF-16 input (told by its BOM) is transcoded to UTF-8 as it is read; UTF-8, whose BOM the CSV reader skips,
    /// passes through. The transcoder keeps the BOM as a UTF-8 BOM, which the reader then skips too.
    /// </summary>
    private static Stream Utf8Input(Stream input)
    {
        var peekable = new PeekableStream(input);
        var head = peekable.Peek(2);
        Encoding? utf16 = head.Length == 2 && head[0] == 0xFF && head[1] == 0xFE ? Encoding.Unicode
            : head.Length == 2 && head[0] == 0xFE && head[1] == 0xFF ? Encoding.BigEndianUnicode
            : null;
        return utf16 is null ? peekable : Encoding.CreateTranscodingStream(peekable, utf16, Encoding.UTF8, leaveOpen: true);
    }
}
