using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Intake.Core.Parsing;

/// <summary>
/// One leaf column of a Parquet row group: its values, definition and repetition levels, and a cursor that the
/// row assembly (<see cref="ParquetNode"/>) moves one entry at a time. Values are written as JSON the way a JSON
/// file would hold them: text as strings (its raw bytes, checked as UTF-8), integers and decimals as numbers,
/// floating-point numbers as numbers that read back as doubles, booleans, and times as ISO-8601 strings. Used by
/// one thread.
/// </summary>
internal sealed class ParquetLeaf : ParquetNode
{
    private readonly LeafKind _kind;
    private RawColumnData? _data;
    private int _entry;
    private int _value;
    private int _entries;

    public ParquetLeaf(DataField field, DataField readAs, string column)
        : base(field, column)
    {
        ReadAs = readAs;
        _kind = KindOf(field, readAs.ClrType);
    }

    private enum LeafKind
    {
        Text,
        Json,
        Boolean,
        Int32,
        Int64,
        Int16,
        Byte,
        SByte,
        UInt16,
        UInt32,
        UInt64,
        Float,
        Double,
        Decimal,
        DateTime,
        Date,
        Other,
    }

    /// <summary>The field as it is read: text columns as raw bytes, so that bytes that are not UTF-8 are seen, not replaced.</summary>
    public DataField ReadAs { get; }

    public override ParquetLeaf First => this;

    /// <summary>The definition level of the current entry.</summary>
    public int Definition => MaxDefinition == 0 ? 0 : _data!.DefinitionLevels[_entry];

    /// <summary>Whether every entry of the row group has been read.</summary>
    public bool AtEnd => _entry == _entries;

    /// <summary>Whether an entry follows the current one and repeats at <paramref name="level"/> (continues that list).</summary>
    public bool NextRepeats(int level) => _entry < _entries && _data!.RepetitionLevels[_entry] == level;

    public async ValueTask LoadAsync(ParquetRowGroupReader rowGroup, CancellationToken cancellationToken)
    {
        _data?.Dispose();
        _data = await rowGroup.ReadRawColumnDataBaseAsync(ReadAs, cancellationToken);
        _entries = MaxDefinition > 0 ? _data.DefinitionLevels.Length : checked((int)rowGroup.RowCount);
        _entry = 0;
        _value = 0;
    }

    public void Release()
    {
        _data?.Dispose();
        _data = null;
    }

    public override void Skip() => _entry++;

    public override void Write(Utf8JsonWriter json, ref ParquetRowProblem problem)
    {
        var data = _data!;
        var index = _value++;
        _entry++;
        switch (_kind)
        {
            case LeafKind.Text:
            case LeafKind.Json:
                WriteText(json, ((RawColumnData<ReadOnlyMemory<byte>>)data).Values[index].Span, ref problem);
                break;
            case LeafKind.Boolean:
                json.WriteBooleanValue(((RawColumnData<bool>)data).Values[index]);
                break;
            case LeafKind.Int32:
                json.WriteNumberValue(((RawColumnData<int>)data).Values[index]);
                break;
            case LeafKind.Int64:
                json.WriteNumberValue(((RawColumnData<long>)data).Values[index]);
                break;
            case LeafKind.Int16:
                json.WriteNumberValue(((RawColumnData<short>)data).Values[index]);
                break;
            case LeafKind.Byte:
                json.WriteNumberValue(((RawColumnData<byte>)data).Values[index]);
                break;
            case LeafKind.SByte:
                json.WriteNumberValue(((RawColumnData<sbyte>)data).Values[index]);
                break;
            case LeafKind.UInt16:
                json.WriteNumberValue(((RawColumnData<ushort>)data).Values[index]);
                break;
            case LeafKind.UInt32:
                json.WriteNumberValue(((RawColumnData<uint>)data).Values[index]);
                break;
            case LeafKind.UInt64:
                json.WriteNumberValue(((RawColumnData<ulong>)data).Values[index]);
                break;
            case LeafKind.Float:
                // A float's shortest text is the decimal its writer meant (0.1, not 0.10000000149011612).
                var single = ((RawColumnData<float>)data).Values[index];
                WriteFloating(json, float.IsFinite(single), single.ToString("R", CultureInfo.InvariantCulture), ref problem);
                break;
            case LeafKind.Double:
                var number = ((RawColumnData<double>)data).Values[index];
                WriteFloating(json, double.IsFinite(number), number.ToString("R", CultureInfo.InvariantCulture), ref problem);
                break;
            case LeafKind.Decimal:
                // The decimal's own text keeps its scale: DECIMAL(10,2) 12.00 stays "12.00", a double; scale 0 is an integer.
                json.WriteRawValue(((RawColumnData<decimal>)data).Values[index].ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case LeafKind.DateTime:
                WriteTime(json, ((RawColumnData<DateTime>)data).Values[index], "O");
                break;
            case LeafKind.Date:
                WriteTime(json, ((RawColumnData<DateTime>)data).Values[index], "yyyy-MM-dd");
                break;
            default:
                json.WriteStringValue(Convert.ToString(ValueAt(data, index), CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Writes the current value as an object's property name (a map's key); only text and numbers make keys.</summary>
    public void WriteAsName(Utf8JsonWriter json, ref ParquetRowProblem problem)
    {
        var data = _data!;
        var index = _value++;
        _entry++;
        if (_kind is LeafKind.Text or LeafKind.Json)
        {
            var text = ((RawColumnData<ReadOnlyMemory<byte>>)data).Values[index].Span;
            if (Utf8.IsValid(text))
            {
                json.WritePropertyName(text);
                return;
            }

            problem = problem.OrFirst(ParquetRowProblem.Kind.InvalidUtf8, Column);
            json.WritePropertyName(""u8);
            return;
        }

        json.WritePropertyName(Convert.ToString(ValueAt(data, index), CultureInfo.InvariantCulture) ?? "");
    }

    private void WriteText(Utf8JsonWriter json, ReadOnlySpan<byte> text, ref ParquetRowProblem problem)
    {
        if (!Utf8.IsValid(text))
        {
            problem = problem.OrFirst(ParquetRowProblem.Kind.InvalidUtf8, Column);
            json.WriteNullValue();
            return;
        }

        if (_kind == LeafKind.Text)
        {
            json.WriteStringValue(text);
            return;
        }

        try
        {
            json.WriteRawValue(text);
        }
        catch (JsonException)
        {
            problem = problem.OrFirst(ParquetRowProblem.Kind.InvalidJson, Column);
            json.WriteNullValue();
        }
    }

    /// <summary>
    /// An instant as ISO-8601 with its full precision (ticks). Parquet times are UTC (or zone-less, which Intake reads as UTC,
    /// as it does ISO text without a zone), so the value is written as UTC whatever kind the reader gave it.
    /// </summary>
    private static void WriteTime(Utf8JsonWriter json, DateTime value, string format)
    {
        Span<byte> text = stackalloc byte[40];
        DateTime.SpecifyKind(value, DateTimeKind.Utc).TryFormat(text, out var written, format, CultureInfo.InvariantCulture);
        var iso = text[..written];
        if (iso.Length == 28 && iso[^1] == 'Z')
        {
            // "O" always writes seven fraction digits; only the significant ones are kept (.5Z, not .5000000Z; none for whole seconds).
            var digits = iso[20..27].TrimEnd((byte)'0').Length;
            var end = digits == 0 ? 19 : 20 + digits;
            iso[end] = (byte)'Z';
            iso = iso[..(end + 1)];
        }

        json.WriteStringValue(iso);
    }

    private void WriteFloating(Utf8JsonWriter json, bool finite, string text, ref ParquetRowProblem problem)
    {
        if (!finite)
        {
            problem = problem.OrFirst(ParquetRowProblem.Kind.NotFinite, Column);
            json.WriteNullValue();
            return;
        }

        // A whole number keeps a fraction so that it reads back as a double, as its column is typed ("2.0", not "2").
        json.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E', 'N') >= 0 ? text : text + ".0", skipInputValidation: true);
    }

    private static object? ValueAt(RawColumnData data, int index)
    {
        var values = data.GetType().GetProperty(nameof(RawColumnData<int>.Values))!.GetValue(data);
        return values is null ? null : ((System.Collections.IList)values)[index];
    }

    private static bool IsJson(DataField field) =>
        field.SchemaElement is { } element && (element.LogicalType?.JSON is not null || element.ConvertedType == Parquet.Meta.ConvertedType.JSON);

    private static LeafKind KindOf(DataField field, Type readAs)
    {
        if (field is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date })
        {
            return LeafKind.Date;
        }

        return readAs switch
        {
            var t when t == typeof(ReadOnlyMemory<byte>) => IsJson(field) ? LeafKind.Json : LeafKind.Text,
            var t when t == typeof(bool) => LeafKind.Boolean,
            var t when t == typeof(int) => LeafKind.Int32,
            var t when t == typeof(long) => LeafKind.Int64,
            var t when t == typeof(short) => LeafKind.Int16,
            var t when t == typeof(byte) => LeafKind.Byte,
            var t when t == typeof(sbyte) => LeafKind.SByte,
            var t when t == typeof(ushort) => LeafKind.UInt16,
            var t when t == typeof(uint) => LeafKind.UInt32,
            var t when t == typeof(ulong) => LeafKind.UInt64,
            var t when t == typeof(float) => LeafKind.Float,
            var t when t == typeof(double) => LeafKind.Double,
            var t when t == typeof(decimal) => LeafKind.Decimal,
            var t when t == typeof(DateTime) => LeafKind.DateTime,
            _ => LeafKind.Other,
        };
    }
}
