using System.Text.Json;
using Intake.Core.Imports;
using Intake.Core.Storage;

namespace Intake.Server.Api.Contracts;

/// <summary>
/// A plan's result: what applying it would do (inserts, updates with a changed value, records left unchanged,
/// replace-mode deletions, rejections), a few samples of each (updates with before and after), and whether and
/// until when it can be applied.
/// </summary>
public sealed record PlannedDto(
    long Insert,
    long Update,
    long Unchanged,
    long Delete,
    long Rejected,
    long DatasetVersion,
    PlannedSamplesDto Samples,
    string? AppliedBy,
    DateTimeOffset? AppliableUntil)
{
    public static PlannedDto From(ImportInfo plan, LoadReport report, long rejected, string? appliedBy, DateTimeOffset? appliableUntil,
        IReadOnlyDictionary<long, string> batchIds)
    {
        var changes = report.Plan ?? new PlannedChanges(0, 0, 0, 0, []);
        JsonElement? Record(StoredRecord? record) => record is null ? null : RecordJson.ToElement(record,
            record.BatchSeq == plan.Seq ? plan.Id : batchIds.GetValueOrDefault(record.BatchSeq));
        List<JsonElement?> Of(ChangeKind kind) => changes.Samples.Where(s => s.Kind == kind).Select(s => Record(s.After ?? s.Before)).ToList();
        return new PlannedDto(changes.Inserts, changes.Updates, changes.Unchanged, changes.Deletes, rejected, report.DatasetVersion,
            new PlannedSamplesDto(
                Of(ChangeKind.Insert),
                changes.Samples.Where(s => s.Kind == ChangeKind.Update).Select(s => new PlannedUpdateDto(Record(s.Before), Record(s.After))).ToList(),
                Of(ChangeKind.Unchanged),
                Of(ChangeKind.Delete)),
            appliedBy, appliableUntil);
    }
}

/// <summary>Up to five records of each kind of change, in line order (deletions in store order).</summary>
public sealed record PlannedSamplesDto(
    IReadOnlyList<JsonElement?> Insert,
    IReadOnlyList<PlannedUpdateDto> Update,
    IReadOnlyList<JsonElement?> Unchanged,
    IReadOnlyList<JsonElement?> Delete);

/// <summary>An update: the record its key holds now (or the earlier record of the key in the file) and the file's record.</summary>
public sealed record PlannedUpdateDto(JsonElement? Before, JsonElement? After);
