using System.Text.Json;
using System.Text.Unicode;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Imports;

/// <summary>
/// Reads JSON array elements or NDJSON lines through the record type's JSON mapping. A record that is not
/// valid UTF-8 is rejected (<c>InvalidEncoding</c>, naming the field) before any record type reads it.
/// </summary>
internal sealed class JsonRecordParser : RecordParser
{
    // Detection looks past records that are not JSON objects for at most this many records and bytes; they are held
    // in memory until the first Fill, so both are bounded.
    private const int DetectionRecords = 100;

    private readonly JsonRecordReader _reader;
    private Queue<(byte[] Record, long Line)>? _pending;

    private JsonRecordParser(JsonRecordReader reader, RecordType type, long maxRecords, Queue<(byte[] Record, long Line)>? pending)
        : base(type, maxRecords)
    {
        _reader = reader;
        _pending = pending;
    }

    public static JsonRecordParser Open(ImportSource source, RecordType? named, IReadOnlyList<RecordType> known, LimitsOptions limits)
    {
        var layout = source.Format == FileFormat.Json ? JsonLayout.Detect : JsonLayout.Lines;
        var reader = new JsonRecordReader(source.Content, layout, maxRecordBytes: limits.MaxRecordBytes, leaveOpen: true);
        try
        {
            if (named is not null)
            {
                return new JsonRecordParser(reader, named, limits.MaxRecords, null);
            }

            // Detection reads the properties of the first record that is a JSON object. The records before it (a
            // malformed first line, say) are kept with it for the first Fill, which rejects them on their lines as it
            // would anywhere else in the file, rather than failing the file for them.
            var pending = new Queue<(byte[] Record, long Line)>();
            var pendingBytes = 0L;
            List<string>? names = null;
            string? firstProblem = null;
            var firstLine = 0L;
            while (names is null && pending.Count < DetectionRecords && pendingBytes <= limits.MaxRecordBytes &&
                   reader.TryRead(out var record, out var line) == JsonReadResult.Record)
            {
                pending.Enqueue((record.ToArray(), line));
                pendingBytes += record.Length;
                names = ObjectPropertyNames(record, out var problem);
                if (firstProblem is null && problem is not null)
                {
                    (firstProblem, firstLine) = (problem, line);
                }
            }

            if (pending.Count == 0)
            {
                return new JsonRecordParser(reader, BuiltInRecordTypes.Entity, limits.MaxRecords, null);
            }

            if (names is null)
            {
                throw HeaderMismatch.ForJsonWithoutObject(pending.Count, firstProblem!, firstLine, BuiltInRecordTypes.AutoCandidates, known);
            }

            var type = RecordTypeCatalog.DetectByFields(BuiltInRecordTypes.AutoCandidates, n => names.Contains(n, StringComparer.OrdinalIgnoreCase))
                ?? throw HeaderMismatch.ForJson(names, BuiltInRecordTypes.AutoCandidates, named: false, known);
            return new JsonRecordParser(reader, type, limits.MaxRecords, pending);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public override bool Fill(RecordWriter writer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var batch = writer.Batch;
        while (_pending is not null && !batch.IsFull)
        {
            var (record, line) = _pending.Dequeue();
            Map(record, line, writer);
            CheckRecordLimit(writer);
            if (_pending.Count == 0)
            {
                _pending = null;
            }
        }

        while (!batch.IsFull)
        {
            if (_reader.TryRead(out var record, out var line) == JsonReadResult.End)
            {
                return false;
            }

            Map(record, line, writer);
            CheckRecordLimit(writer);
        }

        return true;
    }

    public override void Dispose() => _reader.Dispose();

    /// <summary>One vectorised UTF-8 pass per record before any record type reads it; a failure names the field.</summary>
    private void Map(ReadOnlySpan<byte> record, long line, RecordWriter writer)
    {
        if (Utf8.IsValid(record))
        {
            RecordType.MapJson(record, line, writer);
            return;
        }

        JsonChecks.Find(record, utf8: true, out var path);
        writer.RejectUnread(line, RecordErrorCodes.InvalidEncoding, JsonChecks.Describe(JsonValueProblem.InvalidUtf8, path), path);
    }

    /// <summary>
    /// The top-level property names of <paramref name="json"/> when it is a JSON object (nested to any depth), else
    /// null with what is wrong with it in <paramref name="problem"/> (<c>is not a JSON object</c>).
    /// </summary>
    private static List<string>? ObjectPropertyNames(ReadOnlySpan<byte> json, out string? problem)
    {
        problem = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "is not a JSON object";
                return null;
            }

            var names = new List<string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // A name that is not Unicode (invalid UTF-8, a lone surrogate escape) names no column; the
                // record itself is rejected as InvalidEncoding when it is mapped.
                if (TryGetName(ref reader, out var name))
                {
                    names.Add(name);
                }

                reader.Read();
                reader.Skip();
            }

            // Reading past the object throws for anything after it.
            reader.Read();
            return names;
        }
        catch (JsonException exception)
        {
            problem = JsonSyntax.Describe("it", json, exception)[3..].TrimEnd('.');
            return null;
        }
    }

    private static bool TryGetName(ref Utf8JsonReader reader, out string name)
    {
        try
        {
            name = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}
