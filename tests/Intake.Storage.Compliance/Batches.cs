using System.Text;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Storage.Compliance;

/// <summary>
/// Builds record batches the way a load does, from JSON records of the built-in types. Interaction times are
/// small epoch milliseconds (1, 2, 1000…) that only need to order, so the event-time window is opened to
/// every time from 1970 on; the window itself is tested with the parsers, not the stores.
/// </summary>
public static class Batches
{
    private static readonly EventTimeRules s_anyTime = new(TimestampUnit.Milliseconds, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue);

    public static RecordBatch Entities(string datasetId, params (string Id, string Name)[] records) =>
        Build(BuiltInRecordTypes.Entity, datasetId, records.Select(r => $$$"""{"id":"{{{r.Id}}}","type":"p","name":"{{{r.Name}}}","metadata":{"n":1}}"""));

    public static RecordBatch Interactions(string datasetId, params (string Source, string Target, long Timestamp)[] records) =>
        Build(BuiltInRecordTypes.Interaction, datasetId,
            records.Select(r => $$"""{"type":"view","source_id":"{{r.Source}}","target_id":"{{r.Target}}","timestamp":{{r.Timestamp}}}"""));

    /// <summary>A batch of the records, numbered from line <paramref name="firstLine"/> (a file's first record follows its header).</summary>
    public static RecordBatch Build(RecordType type, string datasetId, IEnumerable<string> jsonRecords, long firstLine = 2)
    {
        var batch = new RecordBatch(64);
        var writer = new RecordWriter(type, new AttributeTypeMap(), datasetId, batch, s_anyTime);
        var line = firstLine - 1;
        foreach (var json in jsonRecords)
        {
            type.MapJson(Encoding.UTF8.GetBytes(json), ++line, writer);
        }

        return batch;
    }
}
