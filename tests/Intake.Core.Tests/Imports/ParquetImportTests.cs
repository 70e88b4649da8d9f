using System.IO.Compression;
using System.Text;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Schemas;
using Intake.Core.Tests.Schemas;
using Intake.Tests.Shared;

namespace Intake.Core.Tests.Imports;

/// <summary>Parquet files written by DuckDB, read through the import's own source, parser, record types and validators.</summary>
public sealed class ParquetImportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("intake-parquet-").FullName;
    private readonly DuckDb _duck = new();

    [Fact]
    public void Interactions_are_detected_by_their_columns_and_read_with_typed_timestamps()
    {
        var file = Write("""
            SELECT 'click' AS type, 'u' || i AS source_id, 'i' || i AS target_id,
                   TIMESTAMPTZ '2024-03-01 12:00:00.123+00' + INTERVAL (i) MINUTE AS timestamp,
                   '{"position": ' || i || '}' AS metadata, 'ignored' AS extra
            FROM range(3) t(i)
            """);

        var run = Read(file);

        Assert.Equal("interaction", run.RecordType);
        Assert.Empty(run.Rejections);
        Assert.Equal(
            [
                (1L, "click", "u0", "i0", 1709294400123L, """{"position": 0}"""),
                (2L, "click", "u1", "i1", 1709294460123L, """{"position": 1}"""),
                (3L, "click", "u2", "i2", 1709294520123L, """{"position": 2}"""),
            ],
            run.Records.Select(r => (r.Line, r.Type, r.Id, r.TargetId, r.Timestamp, r.Attributes)));
    }

    [Fact]
    public void Typed_columns_become_typed_attributes_of_table_items()
    {
        var file = Write("""
            SELECT 'item1' AS itemId, 'apple' AS name, 10::BIGINT AS quantity, 2.0::DOUBLE AS price, 0.1::FLOAT AS ratio,
                   true AS fresh, 12.50::DECIMAL(10,2) AS cost, 7::DECIMAL(18,0) AS shelf, DATE '2024-01-31' AS packed,
                   TIMESTAMP '2024-03-01 12:00:00.5' AS seen, ['red', 'green'] AS colors, {'w': 3, 'unit': 'cm'} AS size,
                   MAP {'a': 1} AS counts, NULL::VARCHAR AS absent, '{"k": [1]}'::JSON AS extra
            """);

        var types = new AttributeTypeMap();
        var run = Read(file, TableEntityRecordType.Item, types);

        var record = Assert.Single(run.Records);
        Assert.Equal(("item", "item1"), (record.Type, record.Id));
        Assert.Equal(
            """{"name":"apple","quantity":10,"price":2.0,"ratio":0.1,"fresh":true,"cost":12.50,"shelf":7,"packed":"2024-01-31","seen":"2024-03-01T12:00:00.5Z","colors":["red","green"],"size":{"w":3,"unit":"cm"},"counts":{"a":1},"extra":{"k": [1]}}""",
            record.Attributes);
        Assert.Equal(AttributeType.Double, types.All["price"]);
        Assert.Equal(AttributeType.Integer, types.All["shelf"]);
        Assert.Equal(AttributeType.List, types.All["colors"]);
        Assert.Equal(AttributeType.Object, types.All["size"]);
        Assert.False(types.All.ContainsKey("absent"));
    }

    [Fact]
    public void Nested_lists_structs_and_maps_keep_their_nulls_and_empties()
    {
        var file = Write("""
            SELECT * FROM (VALUES
              ('a', ['x', NULL], [[1, 2], [], NULL], [{'q': 1}, {'q': NULL}, NULL], {'s': NULL, 't': [true]}, MAP {'k': NULL}),
              ('b', [], NULL, [], NULL, MAP {}),
              ('c', NULL, [[3]], NULL, {'s': 'v', 't': []}, NULL)
            ) t(userId, l, ll, ls, st, m)
            """);

        var run = Read(file, TableEntityRecordType.User);

        Assert.Empty(run.Rejections);
        Assert.Equal(
            [
                """{"l":["x",null],"ll":[[1,2],[],null],"ls":[{"q":1},{},null],"st":{"t":[true]},"m":{"k":null}}""",
                """{"l":[],"ls":[],"m":{}}""",
                """{"ll":[[3]],"st":{"s":"v","t":[]}}""",
            ],
            run.Records.Select(r => r.Attributes));
    }

    [Fact]
    public void Text_that_is_not_utf8_rejects_its_row_naming_the_column_and_never_stores_a_replacement()
    {
        var file = Write("SELECT 'item' || i AS itemId, CASE WHEN i = 1 THEN 'b@@d' ELSE 'fine' END AS label FROM range(3) t(i)", uncompressed: true);
        Patch(file, "b@@d"u8, [(byte)'b', 0xFF, 0xC3, 0x28]);

        var run = Read(file, TableEntityRecordType.Item);

        Assert.Equal(["item0", "item2"], run.Records.Select(r => r.Id));
        var rejection = Assert.Single(run.Rejections);
        Assert.Equal((2L, RecordErrorCodes.InvalidEncoding, "label", "line:2"), (rejection.Line, rejection.Code, rejection.Field, rejection.ErrorId));
    }

    [Fact]
    public void A_column_the_record_type_does_not_read_is_never_decoded()
    {
        var file = Write("""
            SELECT 'e1' AS id, 'product' AS type, 'n' AS name, '{}' AS metadata, '' AS media_url, 'b@@d' AS notes
            """, uncompressed: true);
        Patch(file, "b@@d"u8, [(byte)'b', 0xFF, 0xC3, 0x28]);

        var run = Read(file);

        Assert.Equal("entity", run.RecordType);
        Assert.Empty(run.Rejections);
        Assert.Equal("e1", Assert.Single(run.Records).Id);
    }

    [Fact]
    public void A_map_that_holds_one_key_twice_rejects_its_row_naming_the_key()
    {
        // DuckDB refuses to write a map with a repeated key, so the second key's bytes are patched into the first's.
        var file = Write("SELECT 'item' || i AS itemId, CASE WHEN i = 1 THEN MAP {'qx7': 1, 'qx8': 2} ELSE MAP {'qx9': 3} END AS counts FROM range(2) t(i)",
            uncompressed: true);
        Patch(file, "qx8"u8, "qx7"u8.ToArray());

        var run = Read(file, TableEntityRecordType.Item);

        Assert.Equal(["item0"], run.Records.Select(r => r.Id));
        var rejection = Assert.Single(run.Rejections);
        Assert.Equal((2L, RecordErrorCodes.MalformedRecord), (rejection.Line, rejection.Code));
        Assert.Contains("[qx7] twice", rejection.Message);
    }

    [Fact]
    public void Columns_that_name_only_the_required_fields_are_read_as_entities_auto_or_named()
    {
        var file = Write("SELECT 'sku-' || i AS id, 'product' AS type, 'Product ' || i AS name FROM range(2) t(i)");

        var auto = Read(file);
        var named = Read(file, BuiltInRecordTypes.Entity);

        Assert.Equal("entity", auto.RecordType);
        Assert.Equal([("product", "sku-0"), ("product", "sku-1")], auto.Records.Select(r => (r.Type!, r.Id!)));
        Assert.Equal(2, named.Records.Count);
        Assert.Empty(auto.Rejections);
    }

    [Fact]
    public void Numbers_that_are_not_finite_are_rejected()
    {
        var file = Write("SELECT 'item' || i AS itemId, CASE WHEN i = 1 THEN 'NaN'::DOUBLE WHEN i = 2 THEN 'inf'::DOUBLE ELSE 1.5 END AS score FROM range(3) t(i)");

        var run = Read(file, TableEntityRecordType.Item);

        Assert.Equal("item0", Assert.Single(run.Records).Id);
        Assert.All(run.Rejections, r => Assert.Equal((RecordErrorCodes.InvalidValue, "score"), (r.Code, r.Field)));
        Assert.Equal([2L, 3L], run.Rejections.Select(r => r.Line));
    }

    [Theory]
    [MemberData(nameof(CdpExamples.Names), MemberType = typeof(CdpExamples))]
    public void Every_cdp_type_loads_from_the_struct_and_list_columns_duckdb_infers_from_its_json(string type)
    {
        var json = Path.Combine(_directory, $"{type}.json");
        File.WriteAllText(json, CdpExamples.Json(type));
        var file = Write($"SELECT * FROM read_json({DuckDb.Quote(json)})");
        var expected = CdpExamples.All[type].Key;

        var run = Read(file, CdpRecordTypes.Get(type));

        Assert.Empty(run.Rejections);
        var record = Assert.Single(run.Records);
        Assert.Equal((expected.Id, expected.TargetId ?? ""), (record.Id, record.TargetId ?? ""));
        if (expected.Timestamp is not null)
        {
            Assert.Equal(DateTimeOffset.Parse(expected.Timestamp, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), record.Timestamp);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void The_format_is_found_by_the_magic_bytes_also_through_gzip_and_streams_that_cannot_seek(bool gzip, bool forwardOnly)
    {
        var file = Write("SELECT 'item' || i AS itemId, i AS rank FROM range(1000) t(i)");
        var bytes = File.ReadAllBytes(file);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            bytes = compressed.ToArray();
        }

        Stream raw = forwardOnly ? new ForwardOnlyStream(bytes) : new MemoryStream(bytes);
        var run = Read(raw, TableEntityRecordType.Item, new AttributeTypeMap(), name: null);

        Assert.Equal(1000, run.Records.Count);
        Assert.Equal("item999", run.Records[^1].Id);
        Assert.Equal(FileFormat.Parquet, run.Format);
    }

    [Fact]
    public void A_file_that_lacks_required_columns_fails_naming_them()
    {
        var file = Write("SELECT 'u1' AS source_id, 'i1' AS target_id");

        var error = Assert.Throws<IntakeException>(() => Read(file, BuiltInRecordTypes.Interaction));

        Assert.Equal(ErrorCodes.HeaderMismatch, error.Code);
        Assert.Contains("Record type interaction needs type, source_id, target_id, timestamp; missing: type, timestamp.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_fails_as_malformed()
    {
        var file = Write("SELECT 'item' || i AS itemId FROM range(100) t(i)");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<IntakeException>(() => Read(file, TableEntityRecordType.Item));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
    }

    [Fact]
    public void Damaged_files_end_in_records_rejections_or_malformed_file_and_nothing_else()
    {
        var file = Write("""
            SELECT 'item' || i AS itemId, 'name ' || i AS title, i * 1.5 AS price, [i, i + 1] AS pair, {'a': i} AS s
            FROM range(300) t(i)
            """, uncompressed: true, rowGroupSize: 100);
        var original = File.ReadAllBytes(file);
        var random = new Random(20261201);
        for (var round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            if (round % 10 == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            try
            {
                var run = Read(new MemoryStream(bytes), TableEntityRecordType.Item, new AttributeTypeMap(), "damaged.parquet");
                Assert.All(run.Records, r => Assert.True(System.Text.Unicode.Utf8.IsValid(Encoding.UTF8.GetBytes(r.Attributes ?? ""))));
            }
            catch (IntakeException e)
            {
                Assert.True(e.Code is ErrorCodes.MalformedFile or ErrorCodes.HeaderMismatch, $"round {round}: {e.Code} {e.Message}");
            }
        }
    }

    [Fact]
    public void Rows_across_many_row_groups_keep_their_order_and_numbers()
    {
        var file = Write("SELECT 'item' || i AS itemId, [i, i + 1] AS pair FROM range(25000) t(i)", rowGroupSize: 4096);

        var run = Read(file, TableEntityRecordType.Item);

        Assert.Equal(25000, run.Records.Count);
        Assert.Equal(("item24999", 25000L, """{"pair":[24999,25000]}"""), (run.Records[^1].Id, run.Records[^1].Line, run.Records[^1].Attributes));
    }

    [Fact]
    public void A_row_group_too_large_to_decode_fails_the_file_naming_the_group_and_the_way_out()
    {
        // 60,000 short ids dictionary-encode to a few kilobytes on disk; decoded they take far more than 1 MiB.
        var file = Write("SELECT 'item' || (i % 10) AS itemId FROM range(60000) t(i)");
        var smallGroups = Write("SELECT 'item' || (i % 10) AS itemId FROM range(60000) t(i)", rowGroupSize: 2048);
        var limits = new LimitsOptions { MaxParquetRowGroupBytes = 1 << 20 };

        var failure = Assert.Throws<IntakeException>(() => Read(File.OpenRead(file), TableEntityRecordType.Item, new AttributeTypeMap(), null, limits));
        var read = Read(File.OpenRead(smallGroups), TableEntityRecordType.Item, new AttributeTypeMap(), null, limits);

        Assert.Equal(ErrorCodes.FileTooLarge, failure.Code);
        Assert.Contains("Row group 1 of the file holds 60,000 rows", failure.Message);
        Assert.Contains("ROW_GROUP_SIZE", failure.Message);
        Assert.Equal(60000, read.Records.Count);
    }

    public void Dispose()
    {
        _duck.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Write(string select, bool uncompressed = false, int rowGroupSize = 122880)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.parquet");
        _duck.Execute($"COPY ({select}) TO {DuckDb.Quote(path)} (FORMAT PARQUET, ROW_GROUP_SIZE {rowGroupSize}{(uncompressed ? ", COMPRESSION UNCOMPRESSED" : "")})");
        return path;
    }

    /// <summary>Overwrites every occurrence of <paramref name="find"/> (values and statistics) in an uncompressed file.</summary>
    private static void Patch(string path, ReadOnlySpan<byte> find, byte[] replacement)
    {
        var bytes = File.ReadAllBytes(path);
        var patched = 0;
        for (var at = bytes.AsSpan().IndexOf(find); at >= 0; at = bytes.AsSpan().IndexOf(find))
        {
            replacement.CopyTo(bytes, at);
            patched++;
        }

        Assert.True(patched > 0);
        File.WriteAllBytes(path, bytes);
    }

    private static ParquetRun Read(string path, RecordType? type = null, AttributeTypeMap? types = null) =>
        Read(File.OpenRead(path), type, types ?? new AttributeTypeMap(), Path.GetFileName(path));

    private static ParquetRun Read(Stream raw, RecordType? type, AttributeTypeMap types, string? name, LimitsOptions? limits = null)
    {
        limits ??= new LimitsOptions();
        var request = new NewImport { DatasetId = "ds", RecordType = type?.Name ?? RecordTypeCatalog.Auto, FileName = name };
        var catalog = new RecordTypeCatalog(BuiltInRecordTypes.All.Concat(CdpRecordTypes.All));
        using var source = ImportSource.Open(raw, new ImportSourceOptions(null, null, null, name, limits.MaxFileBytes));
        using var parser = RecordParser.Open(source, request, catalog, null, limits, CancellationToken.None);
        var batch = new RecordBatch(1 << 16, 1 << 24);
        var writer = new RecordWriter(parser.RecordType, types, "ds", batch);
        while (parser.Fill(writer, CancellationToken.None))
        {
        }

        var records = batch.Slots.ToArray()
            .Select(s => new ParquetRecord(s.Line, batch.GetString(s.Type), batch.GetString(s.Id), batch.GetString(s.TargetId), s.Timestamp, batch.GetString(s.Attributes)))
            .ToList();
        return new ParquetRun(parser.RecordType.Name, source.Format, records, batch.Rejections.ToList());
    }

    private sealed record ParquetRecord(long Line, string? Type, string? Id, string? TargetId, long Timestamp, string? Attributes);

    private sealed record ParquetRun(string RecordType, FileFormat Format, IReadOnlyList<ParquetRecord> Records, IReadOnlyList<RecordRejection> Rejections);

    /// <summary>A stream that only reads forward, like a staged file streamed out of PostgreSQL.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
