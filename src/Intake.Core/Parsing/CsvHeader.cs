namespace Intake.Core.Parsing;

/// <summary>The column names of a CSV file, trimmed, with a case-insensitive index lookup.</summary>
public sealed class CsvHeader
{
    private readonly Dictionary<string, int> _indexes = new(StringComparer.OrdinalIgnoreCase);

    public CsvHeader(IReadOnlyList<string> columns)
    {
        Columns = columns;
        for (var i = 0; i < columns.Count; i++)
        {
            _indexes.TryAdd(columns[i], i);
        }
    }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column) => _indexes.TryGetValue(column, out var index) ? index : -1;

    public bool Contains(string column) => _indexes.ContainsKey(column);

    public IReadOnlyList<string> Missing(IEnumerable<string> required) =>
        required.Where(c => !_indexes.ContainsKey(c)).ToList();
}
