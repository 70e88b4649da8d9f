using Intake.Core.Jobs;
using Intake.Core.Schemas;
using Xunit;

namespace Intake.Core.Tests.Schemas;

public class CdpKeyTests
{
    [Theory]
    [InlineData("""{"product_id":"P1","sku":"S1","upc":"U1"}""", "P1")]
    [InlineData("""{"sku":"S1","upc":"U1"}""", "S1")]
    [InlineData("""{"product_id":"","upc":"U1"}""", "U1")]
    [InlineData("""{"product_id":"P1","sku":"S1","product_reference_type":"sku"}""", "S1")]
    [InlineData("""{"product_id":"P1","upc":"U1","product_reference_type":"upc"}""", "U1")]
    public void A_product_is_keyed_by_its_reference_type_else_the_first_present_id(string product, string expectedId)
    {
        var record = RecordTypeRun.Json(CdpRecordTypes.Get("product"), product).Single;

        Assert.Equal("product", record.Type);
        Assert.Equal(expectedId, record.Id);
    }

    [Theory]
    [InlineData("""{"name":"Knit"}""", "product_id", RecordErrorCodes.MissingField,
        "Missing required field [product_id]: the record's key is the first of [product_id, sku, upc] that is present.")]
    [InlineData("""{"product_id":"P1","product_reference_type":"sku"}""", "sku", RecordErrorCodes.MissingField,
        "Missing required field [sku]: [product_reference_type] names it as the record's key.")]
    [InlineData("""{"sku":""}""", "sku", RecordErrorCodes.InvalidValue, "Field [sku] must not be empty: it identifies the record.")]
    public void A_product_without_a_usable_id_is_rejected(string product, string field, string code, string message)
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("product"), product).SingleRejection;

        Assert.Equal(field, rejection.Field);
        Assert.Equal(code, rejection.Code);
        Assert.Equal(message, rejection.Message);
    }

    [Theory]
    [InlineData("customer_record", "customer_record/email:sha256:")]
    [InlineData("email_subscribe", "email:sha256:")]
    [InlineData("sms_send", "mobile:sha256:")]
    [InlineData("sms_click", "mobile:sha256:")]
    public void Error_ids_hash_personal_link_values(string typeName, string expectedStart)
    {
        var run = RecordTypeRun.Json(CdpRecordTypes.Get(typeName), CdpExamples.Json(typeName));

        var errorId = run.DescribeKey(0);
        var message = run.AlreadyExistsMessage(0);

        Assert.StartsWith(expectedStart, errorId, StringComparison.Ordinal);
        Assert.Matches("sha256:[0-9a-f]{12}(/|$)", errorId);
        foreach (var personal in CdpExamples.PersonalValues)
        {
            Assert.DoesNotContain(personal, errorId, StringComparison.Ordinal);
            Assert.DoesNotContain(personal, message, StringComparison.Ordinal);
        }

        Assert.Contains("already exists", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_email_hashes_to_the_same_error_id_whichever_link_form_names_it()
    {
        var byEmail = RecordTypeRun.Json(CdpRecordTypes.Get("email_send"), CdpExamples.Json("email_send")).DescribeKey(0);
        var byLinkType = RecordTypeRun.Json(CdpRecordTypes.Get("email_send"),
            CdpExamples.Json("email_send").Replace("""{"email":"jane.personal@fake.com"}""", """{"link_type":"email","link_value":"jane.personal@fake.com"}""", StringComparison.Ordinal))
            .DescribeKey(0);

        Assert.Equal(byEmail, byLinkType);
        Assert.Equal("email:sha256:", byEmail[..13]);
    }

    [Theory]
    [InlineData("return", "customer_id:C-2819279/R-77/return/")]
    [InlineData("email_bounce", "external_id:super_pos_2000:123456789/E-101/email_bounce/")]
    [InlineData("email_open", "email_sha256:8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d/E-100/email_open/")]
    [InlineData("product", "product/ac6674")]
    public void Error_ids_show_non_personal_keys_as_they_are(string typeName, string expectedStart)
    {
        var run = RecordTypeRun.Json(CdpRecordTypes.Get(typeName), CdpExamples.Json(typeName));

        Assert.StartsWith(expectedStart, run.DescribeKey(0), StringComparison.Ordinal);
    }

    [Fact]
    public void An_interaction_already_exists_message_names_type_target_source_and_time()
    {
        var run = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), CdpExamples.Json("purchase"));

        Assert.Matches(
            @"^Interaction \[purchase\] on \[53059a\] by \[email:sha256:[0-9a-f]{12}\] at time \[1709288100000\] could not be created because it already exists\.$",
            run.AlreadyExistsMessage(0));
    }

    [Theory]
    [InlineData("2024-03-01t10:15:00z", 1709288100000)]
    [InlineData("2024-03-01T20:15:00+10:00", 1709288100000)]
    [InlineData("2024-03-01T10:15:00.5Z", 1709288100500)]
    public void Action_at_becomes_epoch_milliseconds(string actionAt, long expected)
    {
        var json = CdpExamples.Json("purchase").Replace("2024-03-01T10:15:00Z", actionAt, StringComparison.Ordinal);

        Assert.Equal(expected, RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), json).Single.Timestamp);
    }

    [Fact]
    public void A_line_that_is_not_json_is_malformed_and_does_not_stop_the_next()
    {
        var type = CdpRecordTypes.Get("purchase");

        var run = RecordTypeRun.Json(type, """{"link": {"email": jane.personal@fake.com}}""", CdpExamples.Json("purchase"));

        var rejection = Assert.Single(run.Rejections);
        Assert.Equal(RecordErrorCodes.MalformedRecord, rejection.Code);
        Assert.DoesNotContain("jane", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(run.Records).Line);
    }

    [Fact]
    public void A_record_that_is_not_an_object_is_rejected_as_a_whole()
    {
        var rejection = RecordTypeRun.Json(CdpRecordTypes.Get("purchase"), "[1,2]").SingleRejection;

        Assert.Equal(RecordErrorCodes.InvalidType, rejection.Code);
        Assert.Null(rejection.Field);
        Assert.Equal("The record must be an object.", rejection.Message);
    }
}
