using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// Where a record type's key lives in its records, and writing it into a <see cref="RecordWriter"/>.
/// Entities: <see cref="Id"/>, the first of its paths with a value unless <see cref="IdSelector"/> names
/// which one (product's <c>product_reference_type</c>). Interactions: <see cref="Source"/>,
/// <see cref="Timestamp"/> and the optional <see cref="Target"/>, which is the empty string when the
/// definition names none or the record lacks it.
/// </summary>
internal sealed class RecordKey
{
    private readonly byte[][] _idPathsUtf8;

    public RecordKey(KeyPart? id, KeyPart? idSelector, KeyPart? source, KeyPart? target, KeyPart? timestamp)
    {
        Id = id;
        IdSelector = idSelector;
        Source = source;
        Target = target;
        Timestamp = timestamp;
        _idPathsUtf8 = id?.Paths.Select(System.Text.Encoding.UTF8.GetBytes).ToArray() ?? [];
    }

    public KeyPart? Id { get; }

    public KeyPart? IdSelector { get; }

    public KeyPart? Source { get; }

    public KeyPart? Target { get; }

    public KeyPart? Timestamp { get; }

    public bool TryWrite(JsonElement record, ReadOnlySpan<byte> typeName, RecordWriter writer, out SchemaViolation violation)
    {
        writer.SetType(typeName);
        Span<byte> initial = stackalloc byte[256];
        var text = new Utf8Builder(initial);
        try
        {
            if (Id is not null)
            {
                if (!TryRenderId(record, ref text, out violation))
                {
                    return false;
                }

                writer.SetId(text.Written);
                return true;
            }

            if (!TryRenderRequired(Source!, record, ref text, out violation))
            {
                return false;
            }

            writer.SetId(text.Written);
            text.Dispose();
            text = new Utf8Builder(initial);
            if (Target is not null && Target.Find(record, out var target, out _) is >= 0 and var index &&
                !Target.TryRender(target, index, ref text, out violation))
            {
                return false;
            }

            writer.SetTargetId(text.Written);
            if (!TryReadTimestamp(record, writer, out var epochMilliseconds, out violation))
            {
                return false;
            }

            writer.SetTimestamp(epochMilliseconds);
            return true;
        }
        finally
        {
            text.Dispose();
        }
    }

    private bool TryRenderId(JsonElement record, ref Utf8Builder text, out SchemaViolation violation)
    {
        if (IdSelector is null || IdSelector.Find(record, out var selector, out _) < 0)
        {
            return TryRenderRequired(Id!, record, ref text, out violation);
        }

        var selectorPath = IdSelector.Paths[0];
        var index = -1;
        for (var i = 0; i < _idPathsUtf8.Length && index < 0 && selector.ValueKind == JsonValueKind.String; i++)
        {
            index = selector.ValueEquals(_idPathsUtf8[i]) ? i : -1;
        }

        if (index < 0)
        {
            violation = new(RecordErrorCodes.InvalidValue, selectorPath,
                $"Field [{selectorPath}] must name one of the key fields [{string.Join(", ", Id!.Paths)}].");
            return false;
        }

        if (!Id!.TryGet(record, index, out var value) || (value.ValueKind == JsonValueKind.String && value.ValueEquals(ReadOnlySpan<byte>.Empty)))
        {
            var path = Id.Paths[index];
            violation = new(RecordErrorCodes.MissingField, path, $"Missing required field [{path}]: [{selectorPath}] names it as the record's key.");
            return false;
        }

        return Id.TryRender(value, index, ref text, out violation);
    }

    private static bool TryRenderRequired(KeyPart part, JsonElement record, ref Utf8Builder text, out SchemaViolation violation)
    {
        var index = part.Find(record, out var value, out var empty);
        if (index >= 0)
        {
            return part.TryRender(value, index, ref text, out violation);
        }

        violation = empty >= 0
            ? new(RecordErrorCodes.InvalidValue, part.Paths[empty], $"Field [{part.Paths[empty]}] must not be empty: it identifies the record.")
            : new(RecordErrorCodes.MissingField, part.Paths[0], part.Paths.Count == 1
                ? $"Missing required field [{part.Paths[0]}]."
                : $"Missing required field [{part.Paths[0]}]: the record's key is the first of [{string.Join(", ", part.Paths)}] that is present.");
        return false;
    }

    private bool TryReadTimestamp(JsonElement record, RecordWriter writer, out long epochMilliseconds, out SchemaViolation violation)
    {
        epochMilliseconds = 0;
        violation = default;
        var path = Timestamp!.Paths[0];
        if (Timestamp.Find(record, out var value, out _) < 0)
        {
            violation = new(RecordErrorCodes.MissingField, path, $"Missing required field [{path}].");
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) || !SchemaJson.TryGetScalarUtf8(value, out var text))
        {
            violation = new(RecordErrorCodes.InvalidValue, path, $"Field [{path}] must be a timestamp: ISO-8601 text or an integer epoch time.");
            return false;
        }

        if (writer.EventTimes.TryRead(text, path, out epochMilliseconds, out var code, out var message))
        {
            return true;
        }

        violation = new(code, path, message);
        return false;
    }
}
