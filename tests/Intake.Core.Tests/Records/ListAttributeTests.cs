using System.Text;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Tests.Records;

/// <summary>The list rule of docs/decisions.md: CSV text widens to a list when a list arrives; a list's CSV form is a delimited cell.</summary>
public sealed class ListAttributeTests
{
    [Fact]
    public void A_quoted_cell_of_a_list_attribute_is_written_as_a_list()
    {
        var types = new AttributeTypeMap([new("interests", AttributeType.List)]);

        var batch = MapCsv(TableEntityRecordType.User, "\"userId\",\"interests\"\n\"u1\",\"science, technology,,travel \"\n\"u2\",\"\"\n\"u3\",solo\n", types);

        Assert.Equal(
            ["""{"interests":["science","technology","travel"]}""", """{"interests":[]}""", """{"interests":["solo"]}"""],
            batch.Slots.ToArray().Select(s => batch.GetString(s.Attributes)));
        Assert.Empty(types.Changes);
    }

    [Fact]
    public void Csv_text_is_remembered_as_such_and_a_list_widens_it()
    {
        var fromCsv = new AttributeTypeMap();
        MapCsv(TableEntityRecordType.User, "\"userId\",\"interests\",\"age\"\n\"u1\",\"science,technology\",35\n", fromCsv);
        Assert.Equal(
            [new("interests", AttributeType.String, true, AttributeTypeChangeKind.Added), new("age", AttributeType.Integer, false, AttributeTypeChangeKind.Added)],
            fromCsv.Changes);

        var later = new AttributeTypeMap(fromCsv.All, ["interests"]);
        var batch = MapJson(TableEntityRecordType.User, later, """{"userId":"u2","interests":["technology","education"],"age":66}""");

        Assert.Equal(1, batch.Count);
        Assert.Equal([new("interests", AttributeType.List, false, AttributeTypeChangeKind.Widened)], later.Changes);
        Assert.Equal(AttributeType.List, later.All["interests"]);
    }

    [Fact]
    public void A_json_string_makes_csv_text_a_plain_string_and_a_later_list_is_rejected()
    {
        var types = new AttributeTypeMap([new("interests", AttributeType.String)], ["interests"]);

        var batch = MapJson(TableEntityRecordType.User, types, """{"userId":"u1","interests":"science"}""", """{"userId":"u2","interests":["a"]}""");

        Assert.Equal(1, batch.Count);
        Assert.Equal("Attribute interests with value [[\"a\"]] is not of string type.", Assert.Single(batch.Rejections).Message);
        Assert.Equal([new("interests", AttributeType.String, false, AttributeTypeChangeKind.Confirmed)], types.Changes);
    }

    [Fact]
    public void Values_that_truly_conflict_are_still_rejected()
    {
        var types = new AttributeTypeMap([new("vip", AttributeType.Boolean), new("tags", AttributeType.String)]);

        var csv = MapCsv(TableEntityRecordType.User, "userId,vip\nu1,3\nu2,\"yes\"\n", types);
        var json = MapJson(TableEntityRecordType.User, types, """{"userId":"u3","tags":["a"]}""");

        Assert.Equal(
            ["Attribute vip with value [3] is not of boolean type.", "Attribute vip with value [yes] is not of boolean type."],
            csv.Rejections.Select(r => r.Message));
        Assert.Equal("Attribute tags with value [[\"a\"]] is not of string type.", Assert.Single(json.Rejections).Message);
        Assert.Empty(types.Changes);
    }

    [Fact]
    public void A_list_for_an_unknown_attribute_is_a_list_and_its_csv_cells_then_split()
    {
        var types = new AttributeTypeMap();
        MapJson(TableEntityRecordType.User, types, """{"userId":"u1","interests":["science","technology","travel"]}""");

        var batch = MapCsv(TableEntityRecordType.User, "\"userId\",\"interests\"\n\"u2\",\"science,technology,travel\"\n", types);

        Assert.Equal("""{"interests":["science","technology","travel"]}""", batch.GetString(batch.Slots[0].Attributes));
    }

    private static RecordBatch MapCsv(RecordType type, string csv, AttributeTypeMap types)
    {
        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var mapper = type.BindCsv(reader.ReadHeader(), out _)!;
        var batch = new RecordBatch();
        var writer = new RecordWriter(type, types, "ds", batch);
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            mapper.Map(row, writer);
        }

        return batch;
    }

    private static RecordBatch MapJson(RecordType type, AttributeTypeMap types, params string[] records)
    {
        var batch = new RecordBatch();
        var writer = new RecordWriter(type, types, "ds", batch);
        var line = 0;
        foreach (var record in records)
        {
            type.MapJson(Encoding.UTF8.GetBytes(record), ++line, writer);
        }

        return batch;
    }
}
