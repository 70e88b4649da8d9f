namespace Intake.Core.Parsing;

/// <summary>Where one field of a <see cref="CsvRow"/> lies in the row's data, and whether it was quoted.</summary>
public readonly record struct CsvField(int Start, int Length, bool Quoted);

/// <summary>
/// One CSV record: its fields as UTF-8 spans (quotes removed, doubled quotes undone) and the physical
/// line it started on (1-based; the header is line 1). Valid only until the reader reads the next row.
/// </summary>
public readonly ref struct CsvRow
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly ReadOnlySpan<CsvField> _fields;

    public CsvRow(ReadOnlySpan<byte> data, ReadOnlySpan<CsvField> fields, long line, int invalidUtf8Field = -1)
    {
        _data = data;
        _fields = fields;
        Line = line;
        InvalidUtf8Field = invalidUtf8Field;
    }

    public int Count => _fields.Length;

    public long Line { get; }

    /// <summary>The index of the first field that is not valid UTF-8, or -1 when every field is.</summary>
    public int InvalidUtf8Field { get; }

    /// <summary>The field's bytes; a column past the end of a short row reads as empty.</summary>
    public ReadOnlySpan<byte> this[int index] =>
        (uint)index < (uint)_fields.Length ? _data.Slice(_fields[index].Start, _fields[index].Length) : default;

    public bool IsQuoted(int index) => (uint)index < (uint)_fields.Length && _fields[index].Quoted;

    /// <summary>True for a line with no content (a trailing empty line), which readers of records skip.</summary>
    public bool IsBlank => _fields.Length == 1 && _fields[0].Length == 0 && !_fields[0].Quoted;
}
