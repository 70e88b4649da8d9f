using System.Text;

namespace Intake.Core.Records;

/// <summary>
/// A dataset's attribute → type map during one import. Types not seen before are taken from the first value;
/// every change is collected in <see cref="Changes"/>, which the sink stores with the import's records, so a
/// canceled or failed import leaves the dataset's map as it was. Used by the parsing thread only.
/// </summary>
/// <remarks>
/// The list rule (docs/decisions.md): a string attribute typed only by CSV text cells is <i>CSV text</i>. A list
/// arriving for it widens it to a list (its stored text values are split into lists when the load commits); a
/// JSON string arriving for it makes it a plain string. A CSV text cell of a list attribute is read as a list
/// (<see cref="CsvList"/>). Everything else keeps its type once known: a value that does not fit is rejected.
/// </remarks>
public sealed class AttributeTypeMap
{
    private readonly Dictionary<string, Entry> _types;
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<AttributeTypeChange> _changes = [];

    // The few attribute names a file repeats on every record, as UTF-8: finding one here costs a byte
    // comparison, where the dictionary needs the name decoded to UTF-16 and hashed (8% of parsing, profiled).
    private readonly (byte[] Name, Entry Entry)[] _recent = new (byte[], Entry)[16];
    private readonly int _maxAttributes;
    private int _recentCount;

    /// <param name="known">The dataset's attribute types.</param>
    /// <param name="csvText">Those of <paramref name="known"/> that are strings typed only by CSV text cells.</param>
    /// <param name="maxAttributes">
    /// The most attributes the map takes (<see cref="Imports.LimitsOptions.MaxAttributes"/>): past it, a name it does not know fits no value.
    /// </param>
    public AttributeTypeMap(IEnumerable<KeyValuePair<string, AttributeType>>? known = null, IEnumerable<string>? csvText = null,
        int maxAttributes = int.MaxValue)
    {
        _maxAttributes = maxAttributes;
        var text = new HashSet<string>(csvText ?? [], StringComparer.Ordinal);
        _types = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (name, type) in known ?? [])
        {
            _types[name] = new Entry(name, type, type == AttributeType.String && text.Contains(name));
        }

        _lookup = _types.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>What this import changed in the map, in the order it happened.</summary>
    public IReadOnlyList<AttributeTypeChange> Changes => _changes;

    public IReadOnlyDictionary<string, AttributeType> All => _types.ToDictionary(t => t.Key, t => t.Value.Type, StringComparer.Ordinal);

    /// <summary>The most attributes the map takes.</summary>
    public int MaxAttributes => _maxAttributes;

    /// <summary>Whether attribute <paramref name="nameUtf8"/> was refused only because the map is full (it is not known, and there is no room).</summary>
    public bool IsRefusedForRoom(ReadOnlySpan<byte> nameUtf8) => _types.Count >= _maxAttributes && Find(nameUtf8) is null;

    /// <summary>
    /// Whether a typed value (a JSON value, or a number or boolean CSV cell) of <paramref name="valueType"/> fits
    /// attribute <paramref name="nameUtf8"/>; an unknown attribute takes the value's type, and a CSV text attribute
    /// is widened by a list or confirmed as a string by a string. <paramref name="declared"/> is the attribute's type.
    /// An unknown attribute fits nothing once the map holds <see cref="MaxAttributes"/> (<see cref="IsRefusedForRoom"/>).
    /// </summary>
    public bool Fits(ReadOnlySpan<byte> nameUtf8, AttributeType valueType, out AttributeType declared)
    {
        var entry = Find(nameUtf8);
        if (entry is null)
        {
            declared = valueType;
            return TryAdd(nameUtf8, valueType, csvText: false);
        }

        // A name holding a double quote cannot be addressed by the stores' JSON paths, so it never widens.
        if (entry.CsvText && (valueType == AttributeType.String || (valueType == AttributeType.List && !entry.Name.Contains('"', StringComparison.Ordinal))))
        {
            Change(entry, valueType, valueType == AttributeType.List ? AttributeTypeChangeKind.Widened : AttributeTypeChangeKind.Confirmed);
        }

        declared = entry.Type;
        return declared.Accepts(valueType);
    }

    /// <summary>
    /// Whether a CSV text cell (quoted, or unquoted text that is no number or boolean) fits attribute
    /// <paramref name="nameUtf8"/>: an unknown attribute becomes CSV text; a string takes it as a string and a list
    /// as a list (<paramref name="declared"/> says which); any other type refuses it.
    /// </summary>
    public bool FitsCsvText(ReadOnlySpan<byte> nameUtf8, out AttributeType declared)
    {
        var entry = Find(nameUtf8);
        if (entry is null)
        {
            declared = AttributeType.String;
            return TryAdd(nameUtf8, AttributeType.String, csvText: true);
        }

        declared = entry.Type;
        return declared is AttributeType.String or AttributeType.List;
    }

    private Entry? Find(ReadOnlySpan<byte> nameUtf8)
    {
        for (var i = 0; i < _recentCount; i++)
        {
            if (nameUtf8.SequenceEqual(_recent[i].Name))
            {
                return _recent[i].Entry;
            }
        }

        Span<char> buffer = nameUtf8.Length <= 256 ? stackalloc char[nameUtf8.Length] : new char[nameUtf8.Length];
        var name = buffer[..Encoding.UTF8.GetChars(nameUtf8, buffer)];
        if (!_lookup.TryGetValue(name, out var entry))
        {
            return null;
        }

        Remember(nameUtf8, entry);
        return entry;
    }

    private bool TryAdd(ReadOnlySpan<byte> nameUtf8, AttributeType type, bool csvText)
    {
        if (_types.Count >= _maxAttributes)
        {
            return false;
        }

        var entry = new Entry(Encoding.UTF8.GetString(nameUtf8), type, csvText);
        _types[entry.Name] = entry;
        _changes.Add(new AttributeTypeChange(entry.Name, type, csvText, AttributeTypeChangeKind.Added));
        Remember(nameUtf8, entry);
        return true;
    }

    /// <remarks>Entries are shared with the recent-name cache, so changing one in place keeps the cache right.</remarks>
    private void Change(Entry entry, AttributeType type, AttributeTypeChangeKind kind)
    {
        entry.Type = type;
        entry.CsvText = false;
        var added = _changes.FindIndex(c => c.Name == entry.Name && c.Kind == AttributeTypeChangeKind.Added);
        if (added >= 0 && kind == AttributeTypeChangeKind.Confirmed)
        {
            _changes[added] = _changes[added] with { Type = type, CsvText = false };
            return;
        }

        _changes.Add(new AttributeTypeChange(entry.Name, type, CsvText: false, kind));
    }

    private void Remember(ReadOnlySpan<byte> nameUtf8, Entry entry)
    {
        if (_recentCount < _recent.Length)
        {
            _recent[_recentCount++] = (nameUtf8.ToArray(), entry);
        }
    }

    private sealed class Entry(string name, AttributeType type, bool csvText)
    {
        public string Name { get; } = name;

        public AttributeType Type { get; set; } = type;

        public bool CsvText { get; set; } = csvText;
    }
}

/// <summary>How a load changed one attribute's type.</summary>
public enum AttributeTypeChangeKind
{
    /// <summary>First seen: stored unless the attribute got a type meanwhile (a declaration).</summary>
    Added,

    /// <summary>A CSV text attribute became a list: its stored text values are split into lists (<see cref="CsvList"/>).</summary>
    Widened,

    /// <summary>A CSV text attribute got a JSON string and is a plain string from now on.</summary>
    Confirmed,
}

/// <summary>One change a load makes to its dataset's attribute types, applied by the sink at commit.</summary>
public sealed record AttributeTypeChange(string Name, AttributeType Type, bool CsvText, AttributeTypeChangeKind Kind);
