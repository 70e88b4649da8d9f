namespace Intake.Core.Schemas;

/// <summary>
/// Why a record does not fit its schema: a <see cref="Jobs.RecordErrorCodes"/> code, the dotted field path
/// (<c>products[0].price_paid</c>; null for the record as a whole) and a message that names the field and
/// the rule. Messages never contain a value of the record, only the schema's own words (allowed values,
/// bounds), so they are safe to show for records with personal fields. The one exception is the key's
/// event time, which is echoed because the window's message is useless without it and a time is not personal.
/// </summary>
public readonly record struct SchemaViolation(string Code, string? Field, string Message);
