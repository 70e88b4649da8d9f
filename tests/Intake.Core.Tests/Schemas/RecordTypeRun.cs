using System.Text;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Xunit;

namespace Intake.Core.Tests.Schemas;

/// <summary>One accepted record, read back from a batch.</summary>
internal sealed record LoadedRecord(long Line, string? Type, string? Id, string? TargetId, long Timestamp, string? Attributes);

/// <summary>Runs a record type over JSON records or CSV text into one <see cref="RecordBatch"/> and collects the outcome.</summary>
internal sealed class RecordTypeRun
{
    private RecordTypeRun(RecordType type, RecordBatch batch)
    {
        Type = type;
        Batch = batch;
        Records = batch.Slots.ToArray()
            .Select(s => new LoadedRecord(s.Line, batch.GetString(s.Type), batch.GetString(s.Id), batch.GetString(s.TargetId), s.Timestamp, batch.GetString(s.Attributes)))
            .ToList();
    }

    public RecordType Type { get; }

    public RecordBatch Batch { get; }

    public IReadOnlyList<LoadedRecord> Records { get; }

    public IReadOnlyList<RecordRejection> Rejections => Batch.Rejections;

    public LoadedRecord Single => Assert.Single(Records);

    public RecordRejection SingleRejection
    {
        get
        {
            Assert.Empty(Records);
            return Assert.Single(Rejections);
        }
    }

    public static RecordTypeRun Json(RecordType type, params string[] records)
    {
        var batch = new RecordBatch();
        var writer = new RecordWriter(type, new AttributeTypeMap(), "ds", batch);
        for (var i = 0; i < records.Length; i++)
        {
            type.MapJson(Encoding.UTF8.GetBytes(records[i]), i + 1, writer);
        }

        return new RecordTypeRun(type, batch);
    }

    /// <summary>Reads <paramref name="csv"/> (header first) with <see cref="TestCsv"/>; fails the test if the header does not bind.</summary>
    public static RecordTypeRun Csv(RecordType type, string csv)
    {
        var (header, rows) = TestCsv.Parse(csv);
        var mapper = type.BindCsv(new CsvHeader(header), out var missing);
        Assert.True(mapper is not null, $"Header lacks {string.Join(", ", missing)}");
        var batch = new RecordBatch();
        var writer = new RecordWriter(type, new AttributeTypeMap(), "ds", batch);
        foreach (var row in rows)
        {
            mapper.Map(row.ToRow(), writer);
        }

        return new RecordTypeRun(type, batch);
    }

    public string DescribeKey(int index) => Type.DescribeKey(Batch, Batch.Slots[index]);

    public string AlreadyExistsMessage(int index) => Type.AlreadyExistsMessage(Batch, Batch.Slots[index]);
}
