using Intake.Core.Datasets;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Tests.Shared;

namespace Intake.Core.Tests.Datasets;

/// <summary>Parquet exports written to a stream that cannot seek, read back by DuckDB.</summary>
public sealed class ParquetExportTests : IDisposable
{
    private static readonly Dictionary<long, string> s_batches = new() { [1] = "import-1", [2] = "import-2" };

    private readonly string _directory = Directory.CreateTempSubdirectory("intake-parquet-export-").FullName;
    private readonly DuckDb _duck = new();

    [Fact]
    public void Interaction_keys_are_typed_columns_with_millisecond_utc_timestamps()
    {
        var file = Export(RecordKind.Interaction, new Dictionary<string, AttributeType>(),
            Interaction("u1", "i1", 1709294400123, 4.5, null), Interaction("u2", "i\"2", 0, null, null));

        Assert.Equal(
            [
                ["type", "VARCHAR"], ["source_id", "VARCHAR"], ["target_id", "VARCHAR"], ["timestamp", "TIMESTAMP WITH TIME ZONE"],
                ["value", "DOUBLE"], ["record_type", "VARCHAR"], ["batch_id", "VARCHAR"], ["attributes", "VARCHAR"],
            ],
            _duck.Rows($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {Quote(file)})"));
        Assert.Equal(
            [
                ["click", "u1", "i1", "1709294400123", "4.5", "interaction", "import-1", null],
                ["click", "u2", "i\"2", "0", null, "interaction", "import-1", null],
            ],
            _duck.Rows($"SELECT type, source_id, target_id, epoch_ms(timestamp), value, record_type, batch_id, attributes FROM {Quote(file)}"));
        Assert.Equal("TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>, NANOS=<null>))",
            _duck.Rows($"SELECT logical_type FROM parquet_schema({Quote(file)}) WHERE name = 'timestamp'")[0][0]);
    }

    [Fact]
    public void Typed_attributes_get_columns_of_their_type_and_every_other_value_lands_in_the_json_column_unchanged()
    {
        var types = new Dictionary<string, AttributeType>
        {
            ["price"] = AttributeType.Double, ["stock"] = AttributeType.Integer, ["color"] = AttributeType.String,
            ["fresh"] = AttributeType.Boolean, ["tags"] = AttributeType.List, ["size"] = AttributeType.Object,
            ["Type"] = AttributeType.String, ["Shade"] = AttributeType.String, ["shade"] = AttributeType.String,
        };
        var file = Export(RecordKind.Entity, types,
            Entity("e1", """{"price":2,"stock":7,"color":"red","fresh":true,"tags":[1,"a"],"size":{"w":3},"Type":"x","shade":"dark","note":"n"}"""),
            Entity("e2", """{"price":9007199254740993,"stock":1.5,"color":5,"fresh":null}"""),
            Entity("e3", null));

        Assert.Equal(
            ["id", "type", "name", "media_url", "record_type", "batch_id", "color", "fresh", "price", "size", "stock", "tags", "attributes"],
            _duck.Rows($"SELECT column_name FROM (DESCRIBE SELECT * FROM {Quote(file)})").Select(r => r[0]));
        Assert.Equal(
            [
                ["e1", "product", "Name e1", null, "red", "True", "2", """{"w":3}""", "7", """[1,"a"]""", """{"Type":"x","shade":"dark","note":"n"}"""],
                ["e2", "product", "Name e2", null, null, null, null, null, null, null, """{"price":9007199254740993,"stock":1.5,"color":5}"""],
                ["e3", "product", "Name e3", null, null, null, null, null, null, null, null],
            ],
            _duck.Rows($"SELECT id, type, name, media_url, color, fresh, price, size, stock, tags, attributes FROM {Quote(file)} ORDER BY id"));
        Assert.Equal(["DOUBLE", "BIGINT", "BOOLEAN"],
            _duck.Rows($"SELECT column_type FROM (DESCRIBE SELECT price, stock, fresh FROM {Quote(file)})").Select(r => r[0]));
    }

    [Fact]
    public void Large_exports_are_written_as_several_row_groups_in_record_order()
    {
        const int count = (2 * ParquetExport.RowGroupRows) + 1234;
        var types = new Dictionary<string, AttributeType> { ["position"] = AttributeType.Integer };
        var records = Enumerable.Range(0, count).Select(i => Interaction($"u{i}", $"i{i % 100}", 1_700_000_000_000 + i, i, $$"""{"position":{{i}}}"""));

        var file = Export(RecordKind.Interaction, types, [.. records]);

        Assert.Equal(3, _duck.Scalar<long>($"SELECT count(*) FROM parquet_metadata({Quote(file)}) WHERE column_id = 0"));
        Assert.Equal(new string?[] { count.ToString(System.Globalization.CultureInfo.InvariantCulture), "0" },
            _duck.Rows($"""
                SELECT count(*), count(*) FILTER (WHERE source_id <> 'u' || position OR epoch_ms(timestamp) <> 1700000000000 + position
                                                  OR value <> position OR attributes IS NOT NULL)
                FROM {Quote(file)}
                """)[0]);
    }

    public void Dispose()
    {
        _duck.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Quote(string path) => DuckDb.Quote(path);

    private static StoredRecord Entity(string id, string? attributes) =>
        new(RecordKind.Entity, "product", id, null, null, $"Name {id}", null, null, attributes, "entity", 1);

    private static StoredRecord Interaction(string source, string target, long timestamp, double? value, string? attributes) =>
        new(RecordKind.Interaction, "click", source, target, timestamp, null, null, value, attributes, "interaction", 1);

    private string Export(RecordKind kind, IReadOnlyDictionary<string, AttributeType> types, params StoredRecord[] records)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.parquet");
        using (var file = File.Create(path))
        {
            var started = 0;
            var export = new RecordQueries.Export(records.ToAsyncEnumerable(), s_batches, types);
            ParquetExport.WriteAsync(export, kind, new ForwardOnlyWriteStream(file), () => started++, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal(1, started);
        }

        return path;
    }

    /// <summary>Like an HTTP response body: written forward only.</summary>
    private sealed class ForwardOnlyWriteStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
