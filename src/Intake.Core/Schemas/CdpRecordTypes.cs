using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// The twelve CDP record types of the bulk-write API. Each is its public JSON Schema (v0.4.1, embedded
/// unchanged from <c>Definitions/{name}.json</c>) plus its entry in <c>Definitions/cdp-record-types.json</c>:
/// kind, key and personal paths, in the same definition format as custom types. Keys: the <c>link</c>
/// identity object is the customer (a customer record's id, an interaction's source); an interaction's
/// target is its own id (<c>purchase_id</c>, <c>return_id</c>, <c>email_id</c>, <c>sms_id</c>, all required
/// by the schemas) and its timestamp <c>action_at</c>; a product's id is the field its
/// <c>product_reference_type</c> names, else the first present of <c>product_id</c>, <c>sku</c>, <c>upc</c>.
/// Personal paths: raw email addresses, phone numbers, names, date of birth, gender and address parts;
/// hashed emails (<c>email_sha256</c>, <c>email_md5</c>) and business ids are not personal.
/// Compiled once, on first use; thread-safe.
/// </summary>
public static class CdpRecordTypes
{
    private const string ResourcePrefix = "Intake.Core.Schemas.Definitions.";

    private static readonly Lazy<RecordType[]> s_all = new(Load);

    /// <summary>customer_record, product, purchase, return, email_send/open/click/bounce/subscribe, sms_send/click/subscribe.</summary>
    public static IReadOnlyList<RecordType> All => s_all.Value;

    /// <exception cref="IntakeException">With <see cref="ErrorCodes.UnknownRecordType"/> when <paramref name="name"/> is not one of the twelve.</exception>
    public static RecordType Get(string name) =>
        Array.Find(s_all.Value, t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new IntakeException(ErrorCodes.UnknownRecordType,
            $"Record type [{name}] is not a CDP record type; use one of {string.Join(", ", s_all.Value.Select(t => t.Name))}.");

    private static RecordType[] Load()
    {
        using var table = JsonDocument.Parse(ReadResource("cdp-record-types.json"));
        var types = new List<RecordType>();
        foreach (var entry in table.RootElement.EnumerateObject())
        {
            using var schema = JsonDocument.Parse(ReadResource(entry.Name + ".json"));
            types.Add(SchemaRecordType.Create(RecordTypeDefinition.Parse(entry.Name, entry.Value, schema.RootElement)));
        }

        return [.. types];
    }

    private static byte[] ReadResource(string file)
    {
        using var stream = typeof(CdpRecordTypes).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"Embedded resource {ResourcePrefix}{file} is missing from Intake.Core.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
