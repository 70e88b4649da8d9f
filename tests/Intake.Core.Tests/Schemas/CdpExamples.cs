using Xunit;

namespace Intake.Core.Tests.Schemas;

/// <summary>The key a valid example must load with.</summary>
internal sealed record ExpectedKey(string Id, string? TargetId, string? Timestamp);

/// <summary>
/// One realistic, complete record per CDP type (every property the schema declares, built from the schemas'
/// own <c>examples</c>), with distinctive personal values so that tests can prove they are never echoed.
/// The links vary across types to cover every link form.
/// </summary>
internal static class CdpExamples
{
    public const string Email = "jane.personal@fake.com";
    public const string Mobile = "61491570006";
    public const string FirstName = "Zelda";

    /// <summary>Personal values that appear in the examples; no rejection message or error id may contain them.</summary>
    public static readonly string[] PersonalValues = [Email, Mobile, FirstName, "Quixote", "Inkerman", "1985-02-17"];

    private const string Products = """
        [{"product_reference":{"id":"ac6674","id_type":"sku","dataset_id":"9wyqa53dnx"},"price_paid":90.0,"quantity":2,"full_price":100.0,"discount":10.0}]
        """;

    private const string ReturnProducts = """
        [{"product_reference":{"id":"ac6674","id_type":"sku","dataset_id":"9wyqa53dnx"},"price_paid":-90.0,"quantity":-2}]
        """;

    private const string Store = """
        {"store_id":"40bf96","type":"ecommerce","name":"St Kilda Outlet","location":{"name":"St Kilda","coordinate":{"latitude":-37.8676,"longitude":144.9809}}}
        """;

    private const string Adjustments = """[{"price_adjustment":50.0,"adjusted_at":"2024-03-01T10:20:00Z","reason":"gift card"}]""";

    private const string List = """{"id":"7bff7a","name":"All Customers List"}""";

    private const string EmailFrom = """{"name":"Fake Shop","email":"news@fake.com"}""";

    private const string EmailTo = """{"name":"Zelda Quixote","email":"jane.personal@fake.com"}""";

    private const string SmsFrom = """{"name":"Fake Shop","number":"61400000000"}""";

    private const string SmsTo = """{"name":"Zelda Quixote","number":"61491570006"}""";

    public static readonly IReadOnlyDictionary<string, (string Json, ExpectedKey Key)> All = new Dictionary<string, (string, ExpectedKey)>
    {
        ["customer_record"] = ("""
            {"link":{"email":"jane.personal@fake.com"},"email":"jane.personal@fake.com","email_sha256":"8b1885d7a7d2f0c1c0f55ed7bb8c3a6b4e0d1b9e8f5a2c3d4e5f60718293a4b5","mobile":"61491570006","customer_id":"C-2819279","custom_fields":{"churn_risk":0.291,"loyalty_status":"platinum"},"first_name":"Zelda","last_name":"Quixote","gender":"Female","date_of_birth":"1985-02-17","country":"Australia","state":"Victoria","city":"St Kilda","postcode":"3182","zip":"90291","address_1":"12 Inkerman St","address_2":"Unit 4","employee_flag":false,"customer_type":"VIP"}
            """, new("email:jane.personal@fake.com", null, null)),
        ["product"] = ("""
            {"product_id":"b7c901","sku":"ac6674","upc":"ce6378","product_reference_type":"sku","name":"Organic Sawyer Rib Crew Knit","description":"Clean and casual or sharp and sophisticated.","brand":"Sawyer","size":"L","color":"Navy","price":89.0,"options":{"department":["menswear"],"category":["outerwear"],"subcategory":["knits","wool"]},"url":"https://fake.com/menswear/sawyer-rib-crew-knit","images":["https://fake.com/images/menswear/sawyer-rib-crew-knit.jpg"],"availability":{"available":true,"channels_availability":[{"type":"ecommerce","available":true,"published_at":"2024-01-01T00:00:00Z","unpublished_at":"2025-01-01T00:00:00Z"}]},"inventory":{"id":"lzx0h1","source":"Shopify","quantity":99,"cost":50.0,"backorder_allowed":false,"tracked":true,"updated_at":"2024-01-01T00:00:00Z"}}
            """, new("ac6674", null, null)),
        ["purchase"] = ($$$"""
            {"link":{"email":"jane.personal@fake.com"},"action_at":"2024-03-01T10:15:00Z","type":"ecommerce","currency":"AUD","adjustments":{{{Adjustments}}},"custom_fields":{"is_damaged":false,"customer_reason":"none"},"store":{{{Store}}},"purchase_id":"53059a","payment_types":[{"name":"visa","total":180.0}],"products":{{{Products}}}}
            """, new("email:jane.personal@fake.com", "53059a", "2024-03-01T10:15:00Z")),
        ["return"] = ($$$"""
            {"link":{"customer_id":"C-2819279","system_name":"super_pos_2000"},"action_at":"2024-03-05T08:00:00.250+10:00","type":"physical","currency":"AUD","adjustments":{{{Adjustments}}},"custom_fields":{"is_damaged":true,"customer_reason":"glass broken on delivery"},"store":{{{Store}}},"return_id":"R-77","products":{{{ReturnProducts}}}}
            """, new("customer_id:C-2819279", "R-77", "2024-03-05T08:00:00.250+10:00")),
        ["email_send"] = ($$$"""
            {"link":{"email":"jane.personal@fake.com"},"action_at":"2024-05-01T09:00:00Z","email_id":"E-100","list":{{{List}}},"campaign_id":"CMP-9","from":{{{EmailFrom}}},"to":{{{EmailTo}}},"subject":"Autumn sale","body":"Hello"}
            """, new("email:jane.personal@fake.com", "E-100", "2024-05-01T09:00:00Z")),
        ["email_open"] = ($$$"""
            {"link":{"email_sha256":"8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"},"action_at":"2024-05-01T09:30:00Z","email_id":"E-100","list":{{{List}}},"campaign_id":"CMP-9","from":{{{EmailFrom}}},"to":{{{EmailTo}}}}
            """, new("email_sha256:8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d", "E-100", "2024-05-01T09:30:00Z")),
        ["email_click"] = ($$$"""
            {"link":{"email_md5":"9e26471d35a78862c17e467d87cddedf"},"action_at":"2024-05-01T09:31:00Z","email_id":"E-100","list":{{{List}}},"campaign_id":"CMP-9","from":{{{EmailFrom}}},"to":{{{EmailTo}}},"clicked_link":{"name":"Shop now","url":"https://fake.com/sale"}}
            """, new("email_md5:9e26471d35a78862c17e467d87cddedf", "E-100", "2024-05-01T09:31:00Z")),
        ["email_bounce"] = ($$$"""
            {"link":{"external_id":"123456789","system_name":"super_pos_2000"},"action_at":"2024-05-01T09:00:05Z","email_id":"E-101","list":{{{List}}},"from":{{{EmailFrom}}},"to":{{{EmailTo}}}}
            """, new("external_id:super_pos_2000:123456789", "E-101", "2024-05-01T09:00:05Z")),
        ["email_subscribe"] = ($$$"""
            {"link":{"link_type":"email","link_value":"jane.personal@fake.com","id_type":"default"},"action_at":"2024-04-01T00:00:00Z","email_id":"E-1","list":{{{List}}},"status":"subscribed"}
            """, new("email:jane.personal@fake.com", "E-1", "2024-04-01T00:00:00Z")),
        ["sms_send"] = ($$$"""
            {"link":{"mobile":"61491570006"},"action_at":"2024-06-01T12:00:00-05:00","sms_id":"S-1","list":{{{List}}},"campaign_id":"CMP-10","from":{{{SmsFrom}}},"to":{{{SmsTo}}},"body":"Sale today"}
            """, new("mobile:61491570006", "S-1", "2024-06-01T12:00:00-05:00")),
        ["sms_click"] = ($$$"""
            {"link":{"link_type":"mobile","link_value":"61491570006"},"action_at":"2024-06-01T12:05:00Z","sms_id":"S-1","list":{{{List}}},"campaign_id":"CMP-10","from":{{{SmsFrom}}},"to":{{{SmsTo}}}}
            """, new("mobile:61491570006", "S-1", "2024-06-01T12:05:00Z")),
        ["sms_subscribe"] = ($$$"""
            {"link":{"customer_id":"C-2819279"},"action_at":"2024-04-02T00:00:00Z","sms_id":"S-0","list":{{{List}}},"status":"list_subscribed"}
            """, new("customer_id:C-2819279", "S-0", "2024-04-02T00:00:00Z")),
    };

    public static TheoryData<string> Names => [.. All.Keys];

    public static string Json(string type) => All[type].Json.Trim();
}
