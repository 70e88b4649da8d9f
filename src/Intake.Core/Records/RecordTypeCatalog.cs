using Intake.Core.Parsing;

namespace Intake.Core.Records;

/// <summary>
/// The record types an import can name: the built-in ones plus a dataset's custom types, which shadow
/// nothing (a custom type may not reuse a built-in name). Immutable and shared.
/// </summary>
public sealed class RecordTypeCatalog
{
    /// <summary>The name that asks for detection from the CSV header or first JSON object.</summary>
    public const string Auto = "auto";

    private readonly Dictionary<string, RecordType> _builtIn;

    public RecordTypeCatalog(IEnumerable<RecordType> builtIn)
    {
        _builtIn = builtIn.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<RecordType> BuiltIn => _builtIn.Values;

    public bool IsBuiltIn(string name) => _builtIn.ContainsKey(name);

    public RecordType? Find(string name, IReadOnlyDictionary<string, RecordType>? custom = null)
    {
        if (_builtIn.TryGetValue(name, out var type))
        {
            return type;
        }

        return custom is not null && custom.TryGetValue(name, out type) ? type : null;
    }

    /// <summary>
    /// The first of <paramref name="candidates"/> whose required columns the header has, or null with
    /// the columns each candidate lacks (for the failure message).
    /// </summary>
    public static RecordType? Detect(IReadOnlyList<RecordType> candidates, Func<string, bool> hasColumn, out string missingDescription)
    {
        var missing = new List<string>();
        foreach (var candidate in candidates)
        {
            var lacks = candidate.RequiredColumns.Where(c => !hasColumn(c)).ToList();
            if (lacks.Count == 0)
            {
                missingDescription = "";
                return candidate;
            }

            missing.Add($"{candidate.Name} needs {string.Join(", ", lacks)}");
        }

        missingDescription = string.Join("; ", missing);
        return null;
    }

    public static RecordType? Detect(IReadOnlyList<RecordType> candidates, CsvHeader header, out string missingDescription) =>
        Detect(candidates, header.Contains, out missingDescription);

    /// <summary>
    /// The record type of self-describing records (JSON objects, Parquet rows) that name the fields
    /// <paramref name="hasField"/> says: the first candidate whose whole layout they name, as a CSV header would; else,
    /// of the candidates whose required fields (<see cref="RecordType.RequiredFields"/>) they all name, the one with the
    /// most (an interaction's four, which may come with an event <c>id</c>, over an entity's two); else null.
    /// </summary>
    public static RecordType? DetectByFields(IReadOnlyList<RecordType> candidates, Func<string, bool> hasField) =>
        Detect(candidates, hasField, out _)
        ?? candidates.Where(c => c.RequiredFields.All(hasField)).OrderByDescending(c => c.RequiredFields.Count).FirstOrDefault();
}
