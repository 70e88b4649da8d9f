using System.Text;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Tests.Imports;

public sealed class RejectionBatchTests
{
    [Theory]
    [InlineData("text/csv", "type,source_id,target_id,timestamp,metadata\n", "view,u{0},p,yesterday,\n")]
    [InlineData("application/x-ndjson", "", "{{\"type\":\"view\",\"source_id\":\"u{0}\",\"target_id\":\"p\",\"timestamp\":\"yesterday\"}}\n")]
    public void Rejections_fill_a_batch_as_records_do_so_a_file_of_rejected_records_is_handed_on_batch_by_batch(string contentType, string header, string row)
    {
        var file = header + string.Concat(Enumerable.Range(0, 25).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, row, i)));
        var limits = new LimitsOptions();
        var request = new NewImport { DatasetId = "ds", RecordType = BuiltInRecordTypes.Interaction.Name, ContentType = contentType };
        using var source = ImportSource.Open(new MemoryStream(Encoding.UTF8.GetBytes(file)),
            new ImportSourceOptions(null, contentType, null, null, limits.MaxFileBytes));
        using var parser = RecordParser.Open(source, request, new RecordTypeCatalog(BuiltInRecordTypes.All), null, limits, CancellationToken.None);
        var batch = new RecordBatch(capacity: 10);
        var writer = new RecordWriter(parser.RecordType, new AttributeTypeMap(), "ds", batch);

        var handedOn = new List<int>();
        bool more;
        do
        {
            more = parser.Fill(writer, CancellationToken.None);
            handedOn.Add(batch.Rejections.Count);
            Assert.Equal(0, batch.Count);
            batch.Reset();
        }
        while (more);

        Assert.Equal([10, 10, 5], handedOn);
    }

    [Fact]
    public void The_text_of_rejections_counts_toward_a_batch_as_records_do()
    {
        var batch = new RecordBatch(capacity: 1_000, arenaBytes: 1 << 16);
        var rejections = 0;
        while (!batch.IsFull)
        {
            batch.Reject(new RecordRejection(++rejections, new string('k', 3_000), RecordErrorCodes.InvalidType, "not a number", null));
        }

        Assert.InRange(rejections, 9, 10);
        batch.Reset();
        Assert.False(batch.IsFull);
    }
}
