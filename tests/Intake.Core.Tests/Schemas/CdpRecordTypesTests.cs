using System.Globalization;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class CdpRecordTypesTests
{
    [Fact]
    public void All_twelve_types_compile_with_their_kinds()
    {
        var kinds = CdpRecordTypes.All.ToDictionary(t => t.Name, t => t.Kind);

        Assert.Equal(12, kinds.Count);
        Assert.Equal(RecordKind.Entity, kinds["customer_record"]);
        Assert.Equal(RecordKind.Entity, kinds["product"]);
        Assert.All(kinds.Where(k => k.Key is not ("customer_record" or "product")), k => Assert.Equal(RecordKind.Interaction, k.Value));
        Assert.All(CdpRecordTypes.All, t => Assert.False(t.UsesAttributeTypes));
        Assert.Equal(CdpExamples.All.Keys.Order(), kinds.Keys.Order());
    }

    [Fact]
    public void Get_returns_the_shared_instance_and_refuses_unknown_names()
    {
        Assert.Same(CdpRecordTypes.All[2], CdpRecordTypes.Get("purchase"));

        var error = Assert.Throws<IntakeException>(() => CdpRecordTypes.Get("refund"));
        Assert.Equal(ErrorCodes.UnknownRecordType, error.Code);
        Assert.Contains("purchase", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CdpExamples.Names), MemberType = typeof(CdpExamples))]
    public void A_valid_record_loads_with_its_key_and_the_input_bytes_as_attributes(string typeName)
    {
        var type = CdpRecordTypes.Get(typeName);
        var json = CdpExamples.Json(typeName);
        var expected = CdpExamples.All[typeName].Key;

        var run = RecordTypeRun.Json(type, json);

        Assert.Empty(run.Rejections);
        var record = run.Single;
        Assert.Equal(typeName, record.Type);
        Assert.Equal(expected.Id, record.Id);
        Assert.Equal(json, record.Attributes);
        if (type.Kind == RecordKind.Interaction)
        {
            Assert.Equal(expected.TargetId, record.TargetId);
            Assert.Equal(DateTimeOffset.Parse(expected.Timestamp!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), record.Timestamp);
        }
    }

    [Theory]
    [MemberData(nameof(CdpExamples.Names), MemberType = typeof(CdpExamples))]
    public void Required_columns_are_the_schema_required_properties(string typeName)
    {
        var type = CdpRecordTypes.Get(typeName);
        var required = type is SchemaRecordType schemaType ? schemaType.Schema.RequiredProperties : [];

        Assert.Equal(required, type.RequiredColumns);
        Assert.Equal(typeName == "product" ? 0 : 1, type.RequiredColumns.Count(c => c == "link"));
    }

    [Theory]
    [InlineData("""{"email":"jane.personal@fake.com"}""", "email:jane.personal@fake.com")]
    [InlineData("""{"email_sha256":"8c87b4"}""", "email_sha256:8c87b4")]
    [InlineData("""{"email_md5":"9e2647"}""", "email_md5:9e2647")]
    [InlineData("""{"customer_id":"42"}""", "customer_id:42")]
    [InlineData("""{"customer_id":"42","system_name":"SuperPOS 2000"}""", "customer_id:42")]
    [InlineData("""{"mobile":"61491570006"}""", "mobile:61491570006")]
    [InlineData("""{"external_id":"123","system_name":"super_pos_2000"}""", "external_id:super_pos_2000:123")]
    [InlineData("""{"link_type":"customer_id","link_value":"42"}""", "customer_id:42")]
    [InlineData("""{"link_type":"engage.id","link_value":"e-1","id_type":"default"}""", "engage.id:e-1")]
    [InlineData("""{"email":"jane\u002Epersonal@fake.com"}""", "email:jane.personal@fake.com")]
    public void Each_link_form_renders_as_kind_colon_value(string link, string expectedId)
    {
        var run = RecordTypeRun.Json(CdpRecordTypes.Get("sms_subscribe"),
            $$"""{"link":{{link}},"action_at":"2024-04-02T00:00:00Z","sms_id":"S-0","status":"subscribed"}""");

        Assert.Equal(expectedId, run.Single.Id);
    }

    [Theory]
    [InlineData("""{"email":"a@fake.com","email":"b@fake.com"}""", "link", "email")]
    [InlineData("""{"email":"a@fake.com"},"action_at":"2024-04-02T00:00:00Z","sms_id":"S-0","status":"subscribed","link":{"mobile":"61491570006"}""", null, "link")]
    public void A_record_holding_a_name_twice_is_refused_naming_it_since_which_to_keep_is_a_guess(string linkAndMore, string? holder, string name)
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("sms_subscribe"),
            $$"""{"link":{{linkAndMore}},"action_at":"2024-04-02T00:00:00Z","sms_id":"S-0","status":"subscribed"}""").SingleRejection;

        Assert.Equal(RecordErrorCodes.MalformedRecord, rejection.Code);
        Assert.Equal(holder is null ? name : $"{holder}.{name}", rejection.Field);
        Assert.Equal($"{(holder is null ? "The record" : $"Field [{holder}]")} has the property [{name}] twice; which of its values to keep would be a guess.",
            rejection.Message);
    }

    [Theory]
    [InlineData("""{"email":"jane.personal@fake.com","system_name":"x"}""", "link.system_name")]
    [InlineData("""{"mobile":"61491570006","note":"x"}""", "link.note")]
    [InlineData("""{"customer_id":"42","tier":"gold"}""", "link.tier")]
    [InlineData("""{"external_id":"1","system_name":"pos","extra":1}""", "link.extra")]
    [InlineData("""{"link_type":"email","link_value":"jane.personal@fake.com","note":1}""", "link.note")]
    public void A_link_form_refuses_extra_properties(string link, string field)
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), WithLink(link)).SingleRejection;

        Assert.Equal(RecordErrorCodes.UnknownField, rejection.Code);
        Assert.Equal(field, rejection.Field);
        Assert.Equal($"Field [{field}] is not allowed.", rejection.Message);
        Assert.DoesNotContain(CdpExamples.Email, rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"email":"jane.personal@fake.com","mobile":"61491570006"}""")]
    [InlineData("""{"system_name":"pos"}""")]
    public void A_link_that_fits_no_form_lists_the_forms(string link)
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), WithLink(link)).SingleRejection;

        Assert.Equal(RecordErrorCodes.InvalidValue, rejection.Code);
        Assert.Equal("link", rejection.Field);
        Assert.Equal(
            "Field [link] must match exactly one of the allowed forms: email, email_sha256, email_md5, customer_id, mobile, external_id+system_name, link_type+link_value.",
            rejection.Message);
    }

    [Theory]
    [InlineData("""{"email":"not an email"}""", "link.email", "Field [link.email] does not match the required pattern.")]
    [InlineData("""{"email":"jane.personal@fake.com\n"}""", "link.email", "Field [link.email] does not match the required pattern.")]
    [InlineData("""{"mobile":61491570006}""", "link.mobile", "Field [link.mobile] must be a string.")]
    [InlineData("""{"link_type":"fax","link_value":"1"}""", "link.link_type", "Field [link.link_type] must be one of [email, email_sha256, customer_id, mobile, engage.id, external_id, email_md5].")]
    [InlineData("""{"link_type":"email","link_value":""}""", "link.link_value", "Field [link.link_value] must be at least 1 character long.")]
    [InlineData("\"jane.personal@fake.com\"", "link", "Field [link] must match exactly one of the allowed forms: email, email_sha256, email_md5, customer_id, mobile, external_id+system_name, link_type+link_value.")]
    public void A_link_meant_as_one_form_reports_that_forms_error(string link, string field, string message)
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), WithLink(link)).SingleRejection;

        Assert.Equal(field, rejection.Field);
        Assert.Equal(message, rejection.Message);
        Assert.Equal("line:1", rejection.ErrorId);
    }

    [Fact]
    public void An_empty_customer_id_cannot_key_a_record()
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), WithLink("""{"customer_id":""}""")).SingleRejection;

        Assert.Equal(RecordErrorCodes.InvalidValue, rejection.Code);
        Assert.Equal("link.customer_id", rejection.Field);
    }

    [Theory]
    [InlineData("purchase", "0", true)]
    [InlineData("purchase", "-0.01", false)]
    [InlineData("return", "0", true)]
    [InlineData("return", "0.01", false)]
    public void Purchase_prices_are_at_least_zero_and_return_prices_at_most_zero(string typeName, string price, bool accepted)
    {
        var quantity = typeName == "purchase" ? 1 : -1;
        var json = CdpExamples.Json(typeName).Replace(typeName == "purchase" ? "\"price_paid\":90.0,\"quantity\":2" : "\"price_paid\":-90.0,\"quantity\":-2",
                $"\"price_paid\":{price},\"quantity\":{quantity}", StringComparison.Ordinal);

        var run = RecordTypeRun.Json(CdpRecordTypes.Get(typeName), json);

        Assert.Equal(accepted, run.Rejections.Count == 0);
        if (!accepted)
        {
            Assert.Equal("products[0].price_paid", run.SingleRejection.Field);
            Assert.Equal(
                $"Field [products[0].price_paid] must be {(typeName == "purchase" ? "greater" : "less")} than or equal to 0.",
                run.SingleRejection.Message);
        }
    }

    [Fact]
    public void A_return_quantity_must_be_at_most_minus_one()
    {
        var json = CdpExamples.Json("return").Replace("\"quantity\":-2", "\"quantity\":0", StringComparison.Ordinal);

        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("return"), json).SingleRejection;

        Assert.Equal("Field [products[0].quantity] must be less than or equal to -1.", rejection.Message);
    }

    private static string WithLink(string link) =>
        $$"""{"link":{{link}},"action_at":"2024-03-01T10:15:00Z","type":"ecommerce","purchase_id":"P-1","products":[]}""";
}
