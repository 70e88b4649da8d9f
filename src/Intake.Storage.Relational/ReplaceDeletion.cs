using Intake.Core.Records;

namespace Intake.Storage.Relational;

/// <summary>
/// What a <c>replace</c> load deletes, the same on both stores: the stored records of its record type that it did not
/// write, except those whose key is the key of one of its rejected records (docs/decisions.md, "Replace and rejected
/// records"). Those keys are staged in the temporary table <see cref="KeptKeys"/>; the plan's count uses the same predicate.
/// </summary>
public static class ReplaceDeletion
{
    /// <summary>The temporary table of rejected keys: <c>type, id, target_id, ts</c> (the last two null for an entity).</summary>
    public const string KeptKeys = "kept_keys";

    /// <summary>
    /// The <c>WHERE</c> clause over <paramref name="table"/> (its own name, no alias), with the record type and the load's
    /// batch as the parameters <paramref name="recordType"/> and <paramref name="batch"/>.
    /// </summary>
    public static string Where(string table, RecordKind kind, bool keepsRejectedKeys, string recordType, string batch)
    {
        var where = $"WHERE {table}.record_type = {recordType} AND {table}.batch <> {batch}";
        if (!keepsRejectedKeys)
        {
            return where;
        }

        var sameKey = kind == RecordKind.Entity
            ? $"k.id = {table}.id AND k.type = {table}.type"
            : $"k.id = {table}.source_id AND k.type = {table}.type AND k.target_id = {table}.target_id AND k.ts = {table}.ts";
        return $"{where} AND NOT EXISTS (SELECT 1 FROM {KeptKeys} k WHERE {sameKey})";
    }
}
