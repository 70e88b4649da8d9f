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

    /// <summary>The named columns that repeat an earlier column's name (ignoring case), with the earlier one's index.</summary>
    public IEnumerable<(string Name, int First, int Repeat)> Repeats() =>
        Columns.Select((name, i) => (Name: name, First: IndexOf(name), Repeat: i)).Where(c => c.Name.Length > 0 && c.First != c.Repeat);

    public IReadOnlyList<string> Missing(IEnumerable<string> required) =>
        required.Where(c => !_indexes.ContainsKey(c)).ToList();
}
