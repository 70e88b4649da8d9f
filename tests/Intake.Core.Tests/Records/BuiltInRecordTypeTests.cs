using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Tests.Records;

public sealed class BuiltInRecordTypeTests
{
    [Fact]
    public void Table_batch_csv_types_cells_by_quoting_and_keeps_other_columns_as_attributes()
    {
        var batch = MapCsv(TableEntityRecordType.Item, "\"itemId\",\"name\",\"quantity\",\"origin\",\"price\",\"fresh\"\n\"item01\",\"apple\",10,\"France\",1.75,true\n");

        var slot = Assert.Single(batch.Slots.ToArray());
        Assert.Equal("item", batch.GetString(slot.Type));
        Assert.Equal("item01", batch.GetString(slot.Id));
        Assert.Equal("""{"name":"apple","quantity":10,"origin":"France","price":1.75,"fresh":true}""", batch.GetString(slot.Attributes));
    }

    [Fact]
    public void A_value_that_does_not_fit_the_attribute_type_is_rejected_with_the_documented_message()
    {
        var types = new AttributeTypeMap([new("price", AttributeType.Double)]);
        var batch = MapCsv(TableEntityRecordType.Item, "itemId,price\nitem704,3\nitem705,\"high\"\n", types);

        Assert.Equal(1, batch.Count);
        var rejection = Assert.Single(batch.Rejections);
        Assert.Equal("Attribute price with value [high] is not of double type.", rejection.Message);
        Assert.Equal(("item705", RecordErrorCodes.InvalidType, "price", 3L), (rejection.ErrorId, rejection.Code, rejection.Field, rejection.Line));
    }

    [Fact]
    public void A_declared_timestamp_attribute_takes_iso_text_from_csv_and_json_and_refuses_anything_else()
    {
        var types = new AttributeTypeMap([new("seen_at", AttributeType.Timestamp)]);
        var csv = MapCsv(TableEntityRecordType.User,
            "userId,seen_at\nu1,2024-03-01T12:00:00Z\nu2,\"2024-03-01\"\nu3,1709294400\nu4,yesterday\nu5,0001-01-01T00:00:00+01:00\nu6,\n", types);
        var json = MapJson(TableEntityRecordType.User, types,
            """{"userId":"j1","seen_at":"2024-03-01T12:00:00.5+02:00"}""",
            """{"userId":"j2","seen_at":1709294400000}""",
            """{"userId":"j3","seen_at":"2024-02-30"}""",
            """{"userId":"j4","seen_at":null}""");

        Assert.Equal(["u1", "u2", "u6"], csv.Slots.ToArray().Select(slot => csv.GetString(slot.Id)));
        Assert.Equal(["u3", "u4", "u5"], csv.Rejections.Select(rejection => rejection.ErrorId));
        Assert.Equal(["j1", "j4"], json.Slots.ToArray().Select(slot => json.GetString(slot.Id)));
        Assert.Equal(["j2", "j3"], json.Rejections.Select(rejection => rejection.ErrorId));
        Assert.All(csv.Rejections.Concat(json.Rejections), rejection => Assert.Equal((RecordErrorCodes.InvalidType, "seen_at"), (rejection.Code, rejection.Field)));
        Assert.Equal("Attribute seen_at with value [yesterday] is not of timestamp type: use ISO-8601 (2024-03-01T12:00:00Z), years 0001 to 9999.", csv.Rejections[1].Message);
        Assert.Equal("Attribute seen_at with value [1709294400000] is not of timestamp type: use ISO-8601 (2024-03-01T12:00:00Z), years 0001 to 9999.", json.Rejections[0].Message);
    }

    [Fact]
    public void First_value_sets_an_attribute_type_and_an_integer_fits_a_double()
    {
        var types = new AttributeTypeMap();
        var batch = MapCsv(TableEntityRecordType.User, "userId,age,score\nu1,35,1.5\nu2,\"old\",2\n", types);

        Assert.Equal(1, batch.Count);
        Assert.Equal("Attribute age with value [old] is not of integer type.", Assert.Single(batch.Rejections).Message);
        Assert.Equal(AttributeType.Integer, types.All["age"]);
        Assert.Equal(AttributeType.Double, types.All["score"]);
    }

    [Fact]
    public void Table_interaction_keys_render_as_the_documented_error_id_and_message()
    {
        var batch = MapCsv(BuiltInRecordTypes.UserItemInteraction,
            "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item03\",1581673287916,\"givestars\",5\n", datasetId: "products");
        var slot = batch.Slots[0];

        var rejection = BuiltInRecordTypes.UserItemInteraction.AlreadyExists(batch, slot);

        Assert.Equal("user01/products/item03/givestars/1581673287916", rejection.ErrorId);
        Assert.Equal("Interaction [givestars] on Item [item03] of User [user01] at time [1581673287916] could not be created because it already exists.", rejection.Message);
        Assert.Equal(5, slot.Value);
    }

    [Fact]
    public void Item_json_with_arrays_keeps_them_as_list_attributes()
    {
        var batch = MapJson(TableEntityRecordType.User, """{"userId": "item01", "name": "Katherine Johnson", "interests": ["science","technology"], "age": 35}""");

        Assert.Equal("""{"name":"Katherine Johnson","interests":["science","technology"],"age":35}""", batch.GetString(batch.Slots[0].Attributes));
        Assert.Equal("User [item01] could not be created because it already exists.", TableEntityRecordType.User.AlreadyExists(batch, batch.Slots[0]).Message);
    }

    [Fact]
    public void Data_batch_interaction_accepts_iso_and_epoch_timestamps_and_rejects_others()
    {
        var batch = MapCsv(BuiltInRecordTypes.Interaction,
            "type,source_id,target_id,timestamp,metadata\nview,u,i,2020-02-14T09:28:07.916Z,\nview,u,i,1581672487916,\nview,u,i,2020-02-14T10:28:07.916+01:00,\nview,u,i,soon,\n");

        Assert.Equal([1581672487916L, 1581672487916L, 1581672487916L], batch.Slots.ToArray().Select(s => s.Timestamp));
        Assert.Equal(("timestamp", 5L), (batch.Rejections[0].Field, batch.Rejections[0].Line));
    }

    [Fact]
    public void Entity_metadata_must_be_a_json_object()
    {
        var batch = MapCsv(BuiltInRecordTypes.Entity, "id,type,name,metadata,media_url\n1,a,,[1],\n2,a,,\"{\"\"k\"\":1}\",\n");

        Assert.Equal(1, batch.Count);
        Assert.Equal(("a/1", RecordErrorCodes.InvalidType, "metadata"), (batch.Rejections[0].ErrorId, batch.Rejections[0].Code, batch.Rejections[0].Field));
    }

    [Fact]
    public void A_malformed_json_record_is_rejected_on_its_own()
    {
        var batch = MapJson(BuiltInRecordTypes.Entity, "{\"id\":\"a\",\"type\":\"p\"", """{"id":"b","type":"p"}""");

        Assert.Equal(1, batch.Count);
        Assert.Equal(RecordErrorCodes.MalformedRecord, Assert.Single(batch.Rejections).Code);
    }

    [Fact]
    public void Auto_detection_picks_entity_or_interaction_from_the_header_and_names_what_is_missing()
    {
        Assert.Same(BuiltInRecordTypes.Entity, RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, new CsvHeader(["id", "type", "name", "metadata", "media_url", "extra"]), out _));
        Assert.Same(BuiltInRecordTypes.Interaction, RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, new CsvHeader(["type", "source_id", "target_id", "timestamp", "metadata"]), out _));
        Assert.Null(RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, new CsvHeader(["id", "type"]), out var missing));
        Assert.Contains("entity needs name, metadata, media_url", missing);
    }

    [Fact]
    public void A_rejected_record_keeps_its_key_only_when_every_key_field_was_read()
    {
        var events = MapJson(BuiltInRecordTypes.Interaction,
            """{"type":"view","source_id":"u1","target_id":"i1","timestamp":"2024-03-01T12:00:00Z","metadata":[1]}""",
            """{"type":"view","source_id":"u1","target_id":"i2","timestamp":"yesterday"}""",
            """{"type":"view","target_id":"i3","timestamp":"2024-03-01T12:00:00Z"}""");
        var entities = MapCsv(TableEntityRecordType.Item, "itemId,price\nitem1,\"high\"\n,3\n", new AttributeTypeMap([new("price", AttributeType.Double)]));

        Assert.Equal(3, events.Rejections.Count);
        Assert.Equal([new RejectedKey("view", "u1", "i1", 1709294400000)], events.RejectedKeys);
        Assert.Equal(2, entities.Rejections.Count);
        Assert.Equal([new RejectedKey("item", "item1", null, null)], entities.RejectedKeys);
        events.Reset();
        Assert.Empty(events.RejectedKeys);
    }

    [Fact]
    public void A_nul_in_stored_text_rejects_the_record_and_its_key_names_no_record()
    {
        var batch = MapJson(BuiltInRecordTypes.Entity,
            """{"id":"a\u0000b","type":"p"}""", """{"id":"c","type":"p","name":"C\u0000"}""", """{"id":"d","type":"p","metadata":{"note":"\u0000"}}""");

        Assert.Equal(["d"], batch.Slots.ToArray().Select(s => batch.GetString(s.Id)));
        Assert.Equal([("line:1", "id"), ("p/c", "name")], batch.Rejections.Select(r => (r.ErrorId, r.Field!)));
        Assert.All(batch.Rejections, r => Assert.Equal(RecordErrorCodes.InvalidEncoding, r.Code));
        Assert.Equal([new RejectedKey("p", "c", null, null)], batch.RejectedKeys);
        Assert.Equal("""{"note":"\u0000"}""", batch.GetString(batch.Slots[0].Attributes));
    }

    private static RecordBatch MapCsv(RecordType type, string csv, AttributeTypeMap? types = null, string datasetId = "ds")
    {
        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var mapper = type.BindCsv(reader.ReadHeader(), out _)!;
        var batch = new RecordBatch();
        var writer = new RecordWriter(type, types ?? new AttributeTypeMap(), datasetId, batch);
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            mapper.Map(row, writer);
        }

        return batch;
    }

    private static RecordBatch MapJson(RecordType type, params string[] records) => MapJson(type, new AttributeTypeMap(), records);

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
