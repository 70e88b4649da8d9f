using System.Text.Json;
using Intake.Core.Parsing;

namespace Intake.Core.Schemas;

/// <summary>
/// Turns CSV rows with dotted headers into nested JSON objects: <c>link.email</c> becomes
/// <c>{"link":{"email":…}}</c> and <c>products.0.price_paid</c> the first element of the
/// <c>products</c> array. Rules:
/// <list type="bullet">
/// <item>An empty cell (quoted or not) means the property is absent; an object or array left with nothing is absent too,
/// and array elements are written in index order without gaps (<c>.0</c> and <c>.2</c> give two elements).</item>
/// <item>A quoted cell is a string. An unquoted cell becomes a number, boolean (<c>true</c>/<c>false</c>, any case) or
/// <c>null</c> only where the schema allows that type at its path (<paramref name="typesAt"/>); where the schema does
/// not describe the path, numbers and booleans are inferred; otherwise it is a string, so a postcode stays "3182".</item>
/// <item>An all-digit segment indexes an array unless the schema says the place is an object only.</item>
/// <item>Row problems are returned as values: two non-empty cells for one field, a value where another column needs
/// an object (<c>a</c> and <c>a.b</c>), an array and an object at one place, an invalid path, invalid UTF-8.
/// The same header may be fine on another row whose conflicting cells are empty.</item>
/// </list>
/// One instance serves one reader thread (it keeps per-row scratch state).
/// </summary>
public sealed partial class DottedCsvToJson
{
    private readonly PathNode _root = new(-1, "", "", isIndex: false, index: 0);
    private readonly List<PathNode> _nodes = [];
    private readonly List<(int Column, string Why)> _invalidColumns = [];
    private readonly Func<string, JsonTypes>? _typesAt;
    private bool[] _hasContent = [];

    /// <param name="columns">The header, one dotted path per column.</param>
    /// <param name="typesAt">The JSON types the target schema allows at a dotted path (see <see cref="RecordSchema.TypesAt"/>), or null to infer.</param>
    public DottedCsvToJson(IReadOnlyList<string> columns, Func<string, JsonTypes>? typesAt = null)
    {
        Columns = columns;
        _typesAt = typesAt;
        for (var i = 0; i < columns.Count; i++)
        {
            AddColumn(i, columns[i]);
        }

        _hasContent = new bool[_nodes.Count];
        foreach (var node in _nodes)
        {
            node.Indices.Sort((a, b) => a.Index.CompareTo(b.Index));
        }
    }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Writes the row as one JSON object to <paramref name="writer"/>, or writes nothing and returns false with
    /// the row's <paramref name="problem"/>.
    /// </summary>
    public bool TryWrite(in CsvRow row, Utf8JsonWriter writer, out CsvRowProblem problem)
    {
        foreach (var (column, why) in _invalidColumns)
        {
            if (!row[column].IsEmpty)
            {
                problem = new(Columns[column], InvalidColumnMessage(column, why));
                return false;
            }
        }

        if (!Mark(_root, row, out problem))
        {
            return false;
        }

        writer.WriteStartObject();
        WriteMembers(_root, row, writer);
        writer.WriteEndObject();
        return true;
    }

    private void AddColumn(int column, string name)
    {
        var segments = name.Split('.');
        if (segments.Any(s => s.Length == 0))
        {
            _invalidColumns.Add((column, "a segment is empty"));
            return;
        }

        var node = _root;
        foreach (var segment in segments)
        {
            if (segment.Length > MaxIndexDigits && segment.All(char.IsAsciiDigit) && node != _root && OnlyArray(node.Path))
            {
                _invalidColumns.Add((column, $"[{node.Path}] is an array, and {Text.Echo.Cut(segment, 40)} is past its largest index, {MaxIndex}"));
                return;
            }

            var isIndex = segment.Length <= MaxIndexDigits && segment.All(char.IsAsciiDigit) && node != _root && AllowsArray(node.Path);
            var index = isIndex ? int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var child = isIndex ? node.Indices.Find(c => c.Index == index) : node.Names.Find(c => c.Name == segment);
            if (child is null)
            {
                var path = node == _root ? segment : $"{node.Path}.{segment}";
                child = new PathNode(_nodes.Count, segment, path, isIndex, index);
                _nodes.Add(child);
                (isIndex ? node.Indices : node.Names).Add(child);
            }

            node = child;
        }

        node.Columns.Add(column);
        node.CellTypes = _typesAt?.Invoke(node.Path) ?? JsonTypes.Any;
    }

    /// <summary>An index has at most nine digits, so it always fits an <see cref="int"/>.</summary>
    private const int MaxIndexDigits = 9;

    private const int MaxIndex = 999_999_999;

    private bool OnlyArray(string path) => _typesAt is not null && (_typesAt(path) & (JsonTypes.Array | JsonTypes.Object)) == JsonTypes.Array;

    private string InvalidColumnMessage(int column, string why) => $"Column [{Columns[column]}] is not a valid dotted path: {why}.";

    private bool AllowsArray(string path) => _typesAt is null || (_typesAt(path) & JsonTypes.Array) != 0;

    /// <summary>Marks which nodes have a value in this row, bottom-up, and finds the row's first problem.</summary>
    private bool Mark(PathNode node, in CsvRow row, out CsvRowProblem problem)
    {
        problem = default;
        var namesHaveContent = false;
        var indicesHaveContent = false;
        foreach (var child in node.Names)
        {
            if (!Mark(child, row, out problem))
            {
                return false;
            }

            namesHaveContent |= _hasContent[child.Id];
        }

        foreach (var child in node.Indices)
        {
            if (!Mark(child, row, out problem))
            {
                return false;
            }

            indicesHaveContent |= _hasContent[child.Id];
        }

        var own = -1;
        foreach (var column in node.Columns)
        {
            var cell = row[column];
            if (cell.IsEmpty)
            {
                continue;
            }

            if (!System.Text.Unicode.Utf8.IsValid(cell))
            {
                problem = new(Columns[column], $"Column [{Columns[column]}] is not valid UTF-8.");
                return false;
            }

            if (own >= 0)
            {
                problem = new(Columns[column], $"Columns {column + 1} and {own + 1} are both [{Columns[column]}] and both have a value.");
                return false;
            }

            own = column;
        }

        if (own >= 0 && (namesHaveContent || indicesHaveContent))
        {
            var other = FirstColumnWithValue(node, row);
            problem = new(Columns[own], $"Columns [{Columns[own]}] and [{Columns[other]}] conflict: [{node.Path}] cannot be both a value and an object or array.");
            return false;
        }

        if (namesHaveContent && indicesHaveContent)
        {
            var named = FirstColumnWithValue(node.Names, row);
            var indexed = FirstColumnWithValue(node.Indices, row);
            problem = new(Columns[indexed], $"Columns [{Columns[indexed]}] and [{Columns[named]}] conflict: [{node.Path}] cannot be both an array and an object.");
            return false;
        }

        if (node.Id >= 0)
        {
            _hasContent[node.Id] = own >= 0 || namesHaveContent || indicesHaveContent;
        }

        return true;
    }

    private int FirstColumnWithValue(PathNode node, in CsvRow row) =>
        Math.Max(FirstColumnWithValue(node.Names, row), FirstColumnWithValue(node.Indices, row));

    private int FirstColumnWithValue(List<PathNode> nodes, in CsvRow row)
    {
        foreach (var node in nodes)
        {
            if (!_hasContent[node.Id])
            {
                continue;
            }

            foreach (var column in node.Columns)
            {
                if (!row[column].IsEmpty)
                {
                    return column;
                }
            }

            var below = FirstColumnWithValue(node, row);
            if (below >= 0)
            {
                return below;
            }
        }

        return -1;
    }
}
