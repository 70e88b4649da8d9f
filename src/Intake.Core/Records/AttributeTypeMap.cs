using System.Text;

namespace Intake.Core.Records;

/// <summary>
/// A dataset's attribute → type map during one import. Types not seen before are taken from the
/// first value and collected in <see cref="Added"/>, which the sink stores with the import's records,
/// so a canceled or failed import leaves the dataset's map as it was. Used by the parsing thread only.
/// </summary>
public sealed class AttributeTypeMap
{
    private readonly Dictionary<string, AttributeType> _types;
    private readonly Dictionary<string, AttributeType>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<KeyValuePair<string, AttributeType>> _added = [];

    // The few attribute names a file repeats on every record, as UTF-8: finding one here costs a byte
    // comparison, where the dictionary needs the name decoded to UTF-16 and hashed (8% of parsing, profiled).
    private readonly (byte[] Name, AttributeType Type)[] _recent = new (byte[], AttributeType)[16];
    private int _recentCount;

    public AttributeTypeMap(IEnumerable<KeyValuePair<string, AttributeType>>? known = null)
    {
        _types = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        foreach (var (name, type) in known ?? [])
        {
            _types[name] = type;
        }

        _lookup = _types.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Types first seen during this import, in the order they were seen.</summary>
    public IReadOnlyList<KeyValuePair<string, AttributeType>> Added => _added;

    public IReadOnlyDictionary<string, AttributeType> All => _types;

    /// <summary>
    /// Whether a value of <paramref name="valueType"/> fits attribute <paramref name="nameUtf8"/>;
    /// an unknown attribute takes the value's type. <paramref name="declared"/> is the attribute's type.
    /// </summary>
    public bool Fits(ReadOnlySpan<byte> nameUtf8, AttributeType valueType, out AttributeType declared)
    {
        for (var i = 0; i < _recentCount; i++)
        {
            if (nameUtf8.SequenceEqual(_recent[i].Name))
            {
                declared = _recent[i].Type;
                return declared.Accepts(valueType);
            }
        }

        var fits = Lookup(nameUtf8, valueType, out declared);
        if (_recentCount < _recent.Length)
        {
            // An attribute's type never changes once known, so the remembered type stays right.
            _recent[_recentCount++] = (nameUtf8.ToArray(), declared);
        }

        return fits;
    }

    private bool Lookup(ReadOnlySpan<byte> nameUtf8, AttributeType valueType, out AttributeType declared)
    {
        Span<char> buffer = nameUtf8.Length <= 256 ? stackalloc char[nameUtf8.Length] : new char[nameUtf8.Length];
        var name = buffer[..Encoding.UTF8.GetChars(nameUtf8, buffer)];
        if (_lookup.TryGetValue(name, out declared))
        {
            return declared.Accepts(valueType);
        }

        var key = name.ToString();
        _types[key] = valueType;
        _added.Add(new(key, valueType));
        declared = valueType;
        return true;
    }
}
