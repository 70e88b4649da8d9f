using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Intake.Server.Tests.Atomicity;

/// <summary>How a generated import ends, besides what its records decide.</summary>
public enum Fate
{
    Normal,
    Malformed,
    TooManyRecords,
    CancelQueued,
    CancelAfterFirstBatch,
    CancelBeforeCommit,
    CrashAfterFirstBatch,
    CrashBeforeCommit,
    CrashAfterCommit,
}

/// <summary>What is wrong with a generated record, if anything.</summary>
public enum Flaw
{
    None,
    MissingKey,
    BadAttribute,
}

/// <summary>
/// One generated record: <see cref="Key"/> picks a key from a small space (so keys repeat within and across
/// imports), <see cref="N"/> the value of the dataset's integer attribute <c>n</c>, and <see cref="Fresh"/>
/// whether it also carries an attribute first seen in its import.
/// </summary>
public sealed record GeneratedRecord(int Key, int N, Flaw Flaw, bool Fresh);

/// <summary>One generated import: its records (entities or interactions), write mode, error budget and fate.</summary>
public sealed record GeneratedImport(bool Interactions, string Mode, GeneratedRecord[] Records, long? MaxErrors, double? MaxErrorRatio, Fate Fate)
{
    /// <summary>Over <c>Limits:MaxRecords</c> of the property's server.</summary>
    public const int TooMany = 41;

    public const int EntityKeys = 12;

    public const int InteractionKeys = 24;

    public override string ToString() =>
        $"{Mode} {(Interactions ? "interactions" : "entities")} {Fate} budget({MaxErrors?.ToString(CultureInfo.InvariantCulture) ?? "-"}, " +
        $"{MaxErrorRatio?.ToString(CultureInfo.InvariantCulture) ?? "-"}) [{string.Join(" ", Records.Select(r => $"{r.Key}:{r.N}{(r.Flaw == Flaw.None ? "" : "!" + r.Flaw)}{(r.Fresh ? "+" : "")}"))}]";

    /// <summary>The import as a JSON array file; a malformed one breaks off after its records.</summary>
    public string ToJson(string freshAttribute)
    {
        var json = new StringBuilder("[\n");
        json.AppendJoin(",\n", Records.Select(r => Interactions ? Interaction(r, freshAttribute) : Entity(r, freshAttribute)));
        return json.Append(Fate == Fate.Malformed ? ",\n{\"id\": \"brok" : "\n]\n").ToString();
    }

    public static (string Type, string Id, string? Target, long? Timestamp) KeyOf(bool interactions, int key) =>
        interactions
            ? (key % 2 == 0 ? "view" : "buy", "u" + (key / 2 % 2 + 1), ((char)('a' + key / 4 % 3)).ToString(), 1_700_000_000_000 + key / 12 * 1000)
            : (key < 6 ? "p" : "q", ((char)('a' + key % 6)).ToString(), null, null);

    private static string Attributes(GeneratedRecord record, string freshAttribute) =>
        "{\"n\":" + (record.Flaw == Flaw.BadAttribute ? "\"high\"" : record.N.ToString(CultureInfo.InvariantCulture)) +
        (record.Fresh ? $",\"{freshAttribute}\":\"s\"" : "") + "}";

    private static string Entity(GeneratedRecord record, string freshAttribute)
    {
        var (type, id, _, _) = KeyOf(false, record.Key);
        var idField = record.Flaw == Flaw.MissingKey ? "" : $"\"id\":\"{id}\",";
        return $"{{{idField}\"type\":\"{type}\",\"name\":\"n{record.N}\",\"metadata\":{Attributes(record, freshAttribute)}}}";
    }

    private static string Interaction(GeneratedRecord record, string freshAttribute)
    {
        var (type, source, target, timestamp) = KeyOf(true, record.Key);
        var sourceField = record.Flaw == Flaw.MissingKey ? "" : $"\"source_id\":\"{source}\",";
        return $"{{\"type\":\"{type}\",{sourceField}\"target_id\":\"{target}\",\"timestamp\":{timestamp},\"metadata\":{Attributes(record, freshAttribute)}}}";
    }
}

/// <summary>The generators of the atomicity property (FsCheck), weighted towards imports that complete.</summary>
public static class ImportScenarios
{
    public static Gen<GeneratedImport[]> Sequences() =>
        from length in Gen.Choose(2, 6)
        from imports in Gen.ArrayOf(Import(), length)
        select imports;

    private static Gen<GeneratedImport> Import() =>
        from interactions in Gen.Choose(0, 9).Select(n => n < 4)
        from mode in Gen.Elements("upsert", "upsert", "insert", "replace")
        from fate in Gen.Choose(0, 99).Select(FateOf)
        from count in Gen.Choose(0, 28)
        from records in Gen.ArrayOf(Record(interactions), fate == Fate.TooManyRecords ? GeneratedImport.TooMany : count)
        from budget in Gen.Choose(0, 9)
        from maxErrors in Gen.Elements(0L, 1L, 3L)
        from ratio in Gen.Elements(0.1, 0.3)
        let budgeted = fate is not (Fate.Malformed or Fate.TooManyRecords)
        select new GeneratedImport(interactions, mode, records,
            budgeted && budget is 7 or 8 ? maxErrors : null, budgeted && budget is 9 ? ratio : null, fate);

    private static Gen<GeneratedRecord> Record(bool interactions) =>
        from key in Gen.Choose(0, (interactions ? GeneratedImport.InteractionKeys : GeneratedImport.EntityKeys) - 1)
        from n in Gen.Choose(0, 99)
        from flaw in Gen.Choose(0, 9).Select(f => f switch { 0 => Flaw.MissingKey, 1 => Flaw.BadAttribute, _ => Flaw.None })
        from fresh in Gen.Choose(0, 3).Select(f => f == 0)
        select new GeneratedRecord(key, n, flaw, fresh && flaw == Flaw.None);

    private static Fate FateOf(int roll) => roll switch
    {
        < 58 => Fate.Normal,
        < 63 => Fate.Malformed,
        < 67 => Fate.TooManyRecords,
        < 72 => Fate.CancelQueued,
        < 77 => Fate.CancelAfterFirstBatch,
        < 82 => Fate.CancelBeforeCommit,
        < 88 => Fate.CrashAfterFirstBatch,
        < 94 => Fate.CrashBeforeCommit,
        _ => Fate.CrashAfterCommit,
    };
}
