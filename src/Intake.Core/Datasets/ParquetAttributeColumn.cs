using System.Text;
using System.Text.Json;
using Intake.Core.Records;
using Parquet;
using Parquet.Schema;

namespace Intake.Core.Datasets;

/// <summary>
/// The typed column of one attribute in a Parquet export, holding one row group of values: string, integer
/// (INT64), double, boolean, timestamp (TIMESTAMP(MILLIS) UTC), and lists and objects as JSON text (a list's
/// elements may differ in type, which no Parquet LIST can hold). A value is set only if the column holds it
/// exactly; otherwise it is left to the export's JSON column. Used by one thread.
/// </summary>
internal sealed class ParquetAttributeColumn
{
    // Doubles hold every integer up to 2^53 exactly; a larger integer in a double attribute keeps its digits in the JSON column.
    private const long ExactDoubleLimit = 1L << 53;

    private readonly AttributeType _type;
    private readonly string?[]? _text;
    private readonly long?[]? _integers;
    private readonly double?[]? _doubles;
    private readonly bool?[]? _booleans;
    private readonly DateTime?[]? _times;

    public ParquetAttributeColumn(string name, AttributeType type, int rows)
    {
        Name = name;
        _type = type;
        switch (type)
        {
            case AttributeType.Integer:
                _integers = new long?[rows];
                Field = new DataField<long>(name, true);
                break;
            case AttributeType.Double:
                _doubles = new double?[rows];
                Field = new DataField<double>(name, true);
                break;
            case AttributeType.Boolean:
                _booleans = new bool?[rows];
                Field = new DataField<bool>(name, true);
                break;
            case AttributeType.Timestamp:
                _times = new DateTime?[rows];
                Field = new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
                break;
            default:
                _text = new string?[rows];
                Field = new DataField<string>(name, true);
                break;
        }
    }

    public string Name { get; }

    public DataField Field { get; }

    public void Clear(int row)
    {
        switch (_type)
        {
            case AttributeType.Integer:
                _integers![row] = null;
                break;
            case AttributeType.Double:
                _doubles![row] = null;
                break;
            case AttributeType.Boolean:
                _booleans![row] = null;
                break;
            case AttributeType.Timestamp:
                _times![row] = null;
                break;
            default:
                _text![row] = null;
                break;
        }
    }

    /// <summary>
    /// Sets row <paramref name="row"/> from the value the reader is on (in <paramref name="json"/>), if this column holds it
    /// exactly; a JSON null fits every column. The reader is left on the value.
    /// </summary>
    public bool TrySet(int row, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            return true;
        }

        switch (_type)
        {
            case AttributeType.String when token == JsonTokenType.String:
                _text![row] = reader.GetString();
                return true;
            case AttributeType.Integer when token == JsonTokenType.Number && reader.TryGetInt64(out var integer):
                _integers![row] = integer;
                return true;
            case AttributeType.Double when token == JsonTokenType.Number:
                if (reader.TryGetInt64(out var whole))
                {
                    if (Math.Abs(whole) > ExactDoubleLimit)
                    {
                        return false;
                    }

                    _doubles![row] = whole;
                    return true;
                }

                if (reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    _doubles![row] = number;
                    return true;
                }

                return false;
            case AttributeType.Boolean when token is JsonTokenType.True or JsonTokenType.False:
                _booleans![row] = token == JsonTokenType.True;
                return true;
            case AttributeType.Timestamp when token is JsonTokenType.String or JsonTokenType.Number:
                var text = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
                if (!reader.ValueIsEscaped && Timestamps.TryParse(text, out var epochMilliseconds))
                {
                    _times![row] = DateTime.UnixEpoch.AddMilliseconds(epochMilliseconds);
                    return true;
                }

                return false;
            case AttributeType.List when token == JsonTokenType.StartArray:
            case AttributeType.Object when token == JsonTokenType.StartObject:
                var end = reader;
                end.Skip();
                _text![row] = Encoding.UTF8.GetString(json[(int)reader.TokenStartIndex..(int)end.BytesConsumed]);
                return true;
            default:
                return false;
        }
    }

    public async Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken)
    {
        switch (_type)
        {
            case AttributeType.Integer:
                await group.WriteAsync<long>(Field, _integers.AsMemory(0, rows), null, null, cancellationToken);
                break;
            case AttributeType.Double:
                await group.WriteAsync<double>(Field, _doubles.AsMemory(0, rows), null, null, cancellationToken);
                break;
            case AttributeType.Boolean:
                await group.WriteAsync<bool>(Field, _booleans.AsMemory(0, rows), null, null, cancellationToken);
                break;
            case AttributeType.Timestamp:
                await group.WriteAsync<DateTime>(Field, _times.AsMemory(0, rows), null, null, cancellationToken);
                break;
            default:
                await group.WriteAsync(Field, new ArraySegment<string?>(_text!, 0, rows)!, null);
                break;
        }
    }
}
