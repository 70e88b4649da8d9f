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
    private readonly JsonRecordReader _reader;
    private byte[]? _pending;
    private long _pendingLine;

    private JsonRecordParser(JsonRecordReader reader, RecordType type, long maxRecords, byte[]? pending, long pendingLine)
        : base(type, maxRecords)
    {
        _reader = reader;
        _pending = pending;
        _pendingLine = pendingLine;
    }

    public static JsonRecordParser Open(ImportSource source, RecordType? named, IReadOnlyList<RecordType> known, LimitsOptions limits)
    {
        var layout = source.Format == FileFormat.Json ? JsonLayout.Detect : JsonLayout.Lines;
        var reader = new JsonRecordReader(source.Content, layout, maxRecordBytes: limits.MaxRecordBytes, leaveOpen: true);
        try
        {
            if (named is not null)
            {
                return new JsonRecordParser(reader, named, limits.MaxRecords, null, 0);
            }

            // Detection looks at the first record's properties, so that record is kept for the first Fill.
            if (reader.TryRead(out var first, out var line) == JsonReadResult.End)
            {
                return new JsonRecordParser(reader, BuiltInRecordTypes.Entity, limits.MaxRecords, null, 0);
            }

            var names = PropertyNames(first);
            var type = RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, n => names.Contains(n, StringComparer.OrdinalIgnoreCase), out _)
                ?? throw HeaderMismatch.ForJson(names, BuiltInRecordTypes.AutoCandidates, named: false, known);
            return new JsonRecordParser(reader, type, limits.MaxRecords, first.ToArray(), line);
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
        if (_pending is not null)
        {
            Map(_pending, _pendingLine, writer);
            _pending = null;
        }

        var batch = writer.Batch;
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

    private static List<string> PropertyNames(ReadOnlySpan<byte> json)
    {
        var names = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    // A name that is not Unicode (invalid UTF-8, a lone surrogate escape) names no column; the
                    // record itself is rejected as InvalidEncoding when it is mapped.
                    if (TryGetName(property, out var name))
                    {
                        names.Add(name);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A malformed first record fits nothing; detection reports that as a header mismatch.
        }

        return names;
    }

    private static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}
