using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using Intake.Core.Schemas;
using Intake.Core.Tests.Schemas;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// Issue 14 item 11: FsCheck generators over raw bytes (valid files of every record type, mutated byte by byte,
/// sometimes gzip-compressed, sometimes truncated, and plain random bytes) drive the whole read path of a load:
/// gzip detection and decompression, format detection, the CSV and JSON/NDJSON readers and every record type's
/// mapping and validation. The only exception allowed is <see cref="IntakeException"/> with a documented
/// file-level code; anything else fails. Every record accepted must hold valid UTF-8 in every field, since a
/// changed value may never be stored. SharpFuzz needs an AFL build step that CI cannot run, so coverage comes
/// from the seeds and the mutations instead; <c>INTAKE_ORACLE_SCALE</c> runs it longer (see README.md here).
/// </summary>
public sealed class FuzzTests
{
    private static readonly HashSet<string> s_documentedFailures =
        [ErrorCodes.MalformedFile, ErrorCodes.InvalidEncoding, ErrorCodes.HeaderMismatch, ErrorCodes.EmptyFile, ErrorCodes.FileTooLarge,
         ErrorCodes.TooManyRecords, ErrorCodes.UnsupportedFormat];

    private static readonly RecordTypeCatalog s_catalog = new(BuiltInRecordTypes.All.Concat(CdpRecordTypes.All));

    private static readonly LimitsOptions s_limits = new() { MaxFileBytes = 1 << 20, MaxRecords = 10_000, MaxRecordBytes = 4096 };

    private static readonly (string RecordType, string Format, string Seed)[] s_seeds =
    [
        ("auto", "csv", "id,type,name,metadata,media_url\nitem1,product,\"Apple, red\",\"{\"\"price\"\": 1.5, \"\"tags\"\": [\"\"a\"\"]}\",http://img/1.png\nitem2,p,é日本,,\n"),
        ("auto", "csv", "type,source_id,target_id,timestamp,metadata\r\nclick,u1,i1,2024-03-01T12:00:00Z,\"{\"\"n\"\": 3}\"\r\nview,u2,i2,1709294400123,\r\n"),
        ("item", "csv", "\"itemId\",\"price\",\"name\",\"flag\"\n\"item1\",1.5,\"Apple\",true\n\"item2\",,\"Pear\",false\n"),
        ("user_item_interaction", "csv", "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item01\",1581681280254,\"givestars\",1\n"),
        ("auto", "ndjson", "{\"type\":\"view\",\"source_id\":\"u1\",\"target_id\":\"t\",\"timestamp\":1709294400,\"metadata\":{\"a\":[1,2.5,\"\\u00e9\"]}}\n"),
        ("user", "json", "[{\"userId\":\"u1\",\"interests\":[\"science\"],\"age\":31},{\"userId\":\"u2\",\"vip\":true}]"),
        ("purchase", "csv", "link.email,action_at,type,currency,purchase_id,products.0.product_reference.id,products.0.product_reference.id_type,products.0.price_paid,products.0.quantity\n" +
                            "jane@fake.com,2024-03-01T10:15:00Z,ecommerce,AUD,P1,ac6674,sku,90.0,2\n"),
        .. CdpRecordTypes.All.Select(t => (t.Name, "ndjson", CdpExamples.Json(t.Name) + "\n")),
    ];

    [Fact]
    public void Mutated_and_random_files_end_in_records_rejections_or_a_documented_failure()
    {
        var property = Prop.ForAll(Inputs().ToArbitrary(), input =>
        {
            var outcome = Load(input);
            return (outcome is null).Label($"{input.RecordType}/{input.Format}: {outcome}\nbytes {Convert.ToBase64String(input.Bytes)}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(2500)).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void Found_by_fuzzing_a_first_json_record_whose_property_name_is_not_utf8_is_rejected_not_a_crash()
    {
        byte[] ndjson = [.. "{\"ty"u8, 0xED, .. "pe\":\"view\",\"type\":\"view\",\"source_id\":\"u\",\"target_id\":\"t\",\"timestamp\":1709294400,\"metadata\":{}}\n"u8];

        Assert.Null(Load(new Input("auto", "ndjson", ndjson)));
    }

    /// <summary>A file to load: its bytes, the record type asked for and the format declared.</summary>
    public sealed record Input(string RecordType, string Format, byte[] Bytes);

    private static Gen<Input> Inputs() =>
        Gen.Frequency(
            (8, from seed in Gen.Elements(s_seeds)
                from edits in Gen.ListOf(Edit()).Select(e => e.Take(6).ToList())
                from gzip in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
                from cut in Gen.Frequency((1, Gen.Choose(0, 100)), (6, Gen.Constant(-1)))
                select new Input(seed.RecordType, seed.Format, Finish(Mutate(Encoding.UTF8.GetBytes(seed.Seed), edits), gzip, cut))),
            (1, from type in Gen.Elements("auto", "item", "purchase", "customer_record")
                from format in Gen.Elements("csv", "json", "ndjson")
                from bytes in ArbMap.Default.GeneratorFor<byte[]>()
                select new Input(type, format, bytes)));

    private static Gen<(int Kind, int At, byte Value, int Length)> Edit() =>
        from kind in Gen.Choose(0, 4)
        from at in Gen.Choose(0, 1 << 16)
        from value in Gen.Elements<byte>((byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'{', (byte)'}', (byte)'[', (byte)':', (byte)'\\',
            (byte)'u', (byte)'9', (byte)'e', 0x00, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF)
        from length in Gen.Choose(1, 40)
        select (kind, at, value, length);

    private static byte[] Mutate(byte[] bytes, List<(int Kind, int At, byte Value, int Length)> edits)
    {
        var data = bytes.ToList();
        foreach (var (kind, at, value, length) in edits)
        {
            var i = data.Count == 0 ? 0 : at % data.Count;
            switch (kind)
            {
                case 0:
                    if (data.Count > 0)
                    {
                        data[i] = value;
                    }

                    break;
                case 1:
                    data.Insert(i, value);
                    break;
                case 2:
                    data.RemoveRange(i, Math.Min(length, data.Count - i));
                    break;
                case 3:
                    data.InsertRange(i, data.Skip(i).Take(length).ToList());
                    break;
                default:
                    if (data.Count > 0)
                    {
                        data[i] ^= (byte)(1 << (value & 7));
                    }

                    break;
            }
        }

        return [.. data];
    }

    private static byte[] Finish(byte[] bytes, bool gzip, int cutPercent)
    {
        if (gzip)
        {
            using var output = new MemoryStream();
            using (var compressor = new GZipStream(output, CompressionLevel.Fastest))
            {
                compressor.Write(bytes);
            }

            bytes = output.ToArray();
        }

        return cutPercent < 0 ? bytes : bytes[..(bytes.Length * cutPercent / 100)];
    }

    /// <summary>Null when the load ended as documented; else what went wrong.</summary>
    private static string? Load(Input input)
    {
        try
        {
            using var source = ImportSource.Open(new MemoryStream(input.Bytes), new ImportSourceOptions(input.Format, null, null, null, s_limits.MaxFileBytes));
            using var parser = RecordParser.Open(source, new NewImport { DatasetId = "fuzz", RecordType = input.RecordType }, s_catalog, null, s_limits, CancellationToken.None);
            var batch = new RecordBatch(64);
            var writer = new RecordWriter(parser.RecordType, new AttributeTypeMap(), "fuzz", batch);
            bool more;
            do
            {
                more = parser.Fill(writer, CancellationToken.None);
                foreach (ref readonly var slot in batch.Slots)
                {
                    foreach (var text in new[] { slot.Type, slot.Id, slot.TargetId, slot.Name, slot.MediaUrl, slot.Attributes })
                    {
                        if (!Utf8.IsValid(batch.Text(text)))
                        {
                            return $"an accepted record (line {slot.Line}) holds text that is not UTF-8";
                        }
                    }
                }

                batch.Reset();
                writer.Attach(batch);
            }
            while (more);

            return null;
        }
        catch (IntakeException e) when (s_documentedFailures.Contains(e.Code))
        {
            return null;
        }
        catch (Exception e)
        {
            return e.ToString();
        }
    }
}
