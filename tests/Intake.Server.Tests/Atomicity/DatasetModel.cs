using System.Globalization;

namespace Intake.Server.Tests.Atomicity;

/// <summary>
/// The simple in-memory model of a dataset that the atomicity property compares the store with: it applies
/// an import only when the import completed, with the documented semantics of each write mode, and predicts
/// the status and error code that the import's records alone decide. It knows nothing of storage.
/// </summary>
public sealed class DatasetModel
{
    private readonly Dictionary<(bool Interaction, int Key), (int N, string? Fresh, string ImportId)> _records = [];
    private readonly SortedDictionary<string, string> _attributeTypes = new(StringComparer.Ordinal) { ["n"] = "integer" };

    /// <summary>What the import's content decides: completed, completed_with_errors, or failed with a code.</summary>
    public static (string Status, string? Code) Predict(GeneratedImport import, DatasetModel before)
    {
        if (import.Fate == Fate.Malformed)
        {
            return ("failed", "malformed_file");
        }

        if (import.Fate == Fate.TooManyRecords)
        {
            return ("failed", "too_many_records");
        }

        var (written, rejected) = before.Merge(import, "", null, apply: false);
        var read = import.Records.Length;
        if ((import.MaxErrors is { } max && rejected > max) || (import.MaxErrorRatio is { } ratio && rejected > ratio * read))
        {
            return ("failed", "error_budget_exceeded");
        }

        if (read == 0 && import.Mode == "replace")
        {
            // A replace with no records would delete every record of its type; it is refused instead.
            return ("failed", "empty_file");
        }

        return written == 0 && rejected > 0 ? ("failed", "all_records_rejected")
            : rejected > 0 ? ("completed_with_errors", (string?)null)
            : ("completed", (string?)null);
    }

    /// <summary>Applies a completed import as its mode says.</summary>
    public void Apply(GeneratedImport import, string importId, string freshAttribute)
    {
        Merge(import, importId, freshAttribute, apply: true);
        if (import.Records.Any(r => r.Fresh))
        {
            _attributeTypes.TryAdd(freshAttribute, "string");
        }

        if (import.Mode == "replace")
        {
            // A rejected record whose key was read keeps the stored record with that key; one without a key cannot.
            var rejectedKeys = import.Records.Where(r => r.Flaw == Flaw.BadAttribute).Select(r => r.Key).ToHashSet();
            foreach (var key in _records
                .Where(r => r.Key.Interaction == import.Interactions && r.Value.ImportId != importId && !rejectedKeys.Contains(r.Key.Key))
                .Select(r => r.Key).ToList())
            {
                _records.Remove(key);
            }
        }
    }

    /// <summary>The records as the store's export shows them, one canonical line each, in order.</summary>
    public List<string> Lines() => _records
        .Select(r => Line(r.Key.Interaction, r.Key.Key, r.Value.N, r.Value.Fresh, r.Value.ImportId))
        .Order(StringComparer.Ordinal)
        .ToList();

    public (long Entities, long Interactions) Counts => (_records.Keys.Count(k => !k.Interaction), _records.Keys.Count(k => k.Interaction));

    public string AttributeTypes => string.Join(",", _attributeTypes.Select(t => $"{t.Key}:{t.Value}"));

    /// <summary>The canonical line of one record: its key, fields, attributes and last writer.</summary>
    public static string Line(bool interaction, int key, int n, string? fresh, string importId)
    {
        var (type, id, target, timestamp) = GeneratedImport.KeyOf(interaction, key);
        var attributes = fresh is null ? $"n={n}" : string.Join(";", new[] { $"n={n}", $"{fresh}=s" }.Order(StringComparer.Ordinal));
        return interaction
            ? $"interaction|{type}|{id}|{target}|{timestamp!.Value.ToString(CultureInfo.InvariantCulture)}||{attributes}|{importId}"
            : $"entity|{type}|{id}|||n{n}|{attributes}|{importId}";
    }

    /// <summary>Runs the import's records against the model; returns how many it writes and rejects.</summary>
    private (long Written, long Rejected) Merge(GeneratedImport import, string importId, string? freshAttribute, bool apply)
    {
        var seen = new HashSet<int>();
        long written = 0, rejected = 0;
        foreach (var record in import.Records)
        {
            if (record.Flaw != Flaw.None)
            {
                rejected++;
                continue;
            }

            var key = (import.Interactions, record.Key);
            var repeated = !seen.Add(record.Key);
            if (import.Mode == "insert" && (repeated || _records.ContainsKey(key)))
            {
                rejected++;
                continue;
            }

            written++;
            if (apply)
            {
                _records[key] = (record.N, record.Fresh ? freshAttribute : null, importId);
            }
        }

        return (written, rejected);
    }
}
