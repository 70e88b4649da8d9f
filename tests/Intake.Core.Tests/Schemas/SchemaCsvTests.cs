using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class SchemaCsvTests
{
    private const string PurchaseHeader =
        "link.email,action_at,type,purchase_id,products.0.price_paid,products.0.quantity,products.0.product_reference.id,products.0.product_reference.id_type,store.location.coordinate.latitude,store.location.coordinate.longitude,store.type,store.name,custom_fields.is_damaged";

    [Fact]
    public void A_dotted_csv_row_loads_like_the_equivalent_json_record()
    {
        var run = RecordTypeRun.Csv(CdpRecordTypes.Get("purchase"), $"""
            {PurchaseHeader}
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-1,90.0,2,SKU-1,sku,-37.86,144.98,outlet,St Kilda,true
            """);

        var record = run.Single;
        Assert.Equal("email:jane.personal@fake.com", record.Id);
        Assert.Equal("P-1", record.TargetId);
        Assert.Equal(1709288100000, record.Timestamp);
        Assert.Equal(2, record.Line);
        using var attributes = JsonDocument.Parse(record.Attributes!);
        var product = attributes.RootElement.GetProperty("products")[0];
        Assert.Equal(JsonValueKind.Number, product.GetProperty("price_paid").ValueKind);
        Assert.Equal(2, product.GetProperty("quantity").GetInt32());
        Assert.True(attributes.RootElement.GetProperty("custom_fields").GetProperty("is_damaged").GetBoolean());
    }

    [Fact]
    public void Schema_strings_stay_strings_even_when_they_look_like_numbers()
    {
        var run = RecordTypeRun.Csv(CdpRecordTypes.Get("customer_record"), """
            link.customer_id,mobile,postcode,employee_flag
            42,61491570006,3182,false
            """);

        Assert.Equal("customer_id:42", run.Single.Id);
        Assert.Equal("""{"link":{"customer_id":"42"},"mobile":"61491570006","postcode":"3182","employee_flag":false}""", run.Single.Attributes);
    }

    [Fact]
    public void A_products_index_past_nine_digits_rejects_the_rows_that_fill_it_and_says_why()
    {
        var run = RecordTypeRun.Csv(CdpRecordTypes.Get("purchase"), $"""
            {PurchaseHeader},products.4294967296.price_paid
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-1,90.0,2,SKU-1,sku,,,,,,
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-2,90.0,2,SKU-1,sku,,,,,,5
            """);

        Assert.Equal(["P-1"], run.Records.Select(r => r.TargetId));
        var rejection = Assert.Single(run.Rejections);
        Assert.Equal((3L, "products.4294967296.price_paid", RecordErrorCodes.MalformedRecord), (rejection.Line, rejection.Field, rejection.Code));
        Assert.Equal("Column [products.4294967296.price_paid] is not a valid dotted path: [products] is an array, and 4294967296 is past its largest index, 999999999.", rejection.Message);
    }

    [Fact]
    public void Bad_rows_are_rejected_one_by_one_while_the_rest_load()
    {
        var run = RecordTypeRun.Csv(CdpRecordTypes.Get("purchase"), $"""
            {PurchaseHeader}
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-1,90.0,2,SKU-1,sku,,,,,
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-2,-5,2,SKU-1,sku,,,,,
            jane.personal@fake.com,2024-03-01T10:15:00Z,ecommerce,P-3,ninety,2,SKU-1,sku,,,,,
            jane.personal@fake.com,yesterday,ecommerce,P-4,1,1,SKU-1,sku,,,,,
            """);

        Assert.Equal(["P-1"], run.Records.Select(r => r.TargetId));
        Assert.Equal(
            [(3L, "products[0].price_paid", RecordErrorCodes.InvalidValue), (4L, "products[0].price_paid", RecordErrorCodes.InvalidType), (5L, "action_at", RecordErrorCodes.InvalidValue)],
            run.Rejections.Select(r => (r.Line, r.Field, r.Code)));
        Assert.All(run.Rejections, r => Assert.DoesNotContain("jane", r.Message + r.ErrorId, StringComparison.Ordinal));
    }

    [Fact]
    public void A_row_with_conflicting_columns_is_malformed()
    {
        var run = RecordTypeRun.Csv(CdpRecordTypes.Get("sms_subscribe"), """
            link,link.mobile,action_at,sms_id,status
            x,61491570006,2024-04-02T00:00:00Z,S-1,subscribed
            ,61491570006,2024-04-02T00:00:00Z,S-2,subscribed
            """);

        Assert.Equal("S-2", run.Single.TargetId);
        var rejection = Assert.Single(run.Rejections);
        Assert.Equal(RecordErrorCodes.MalformedRecord, rejection.Code);
        Assert.Equal("link", rejection.Field);
        Assert.DoesNotContain(CdpExamples.Mobile, rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_a_required_field_does_not_bind()
    {
        var type = CdpRecordTypes.Get("purchase");

        var mapper = type.BindCsv(new CsvHeader(["link.email", "type", "purchase_id", "product.0.price_paid"]), out var missing);

        Assert.Null(mapper);
        Assert.Equal(["action_at", "products"], missing);
    }
}
