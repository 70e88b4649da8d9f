using System.Text.Json;

namespace Intake.Core.Records;

/// <summary>
/// The CSV form of a list attribute: one text cell whose items are separated by commas, each trimmed of spaces
/// and tabs, empty items left out (<c>"science, technology,travel"</c> is <c>["science","technology","travel"]</c>,
/// an empty cell is <c>[]</c>). The stores convert stored text the same way when an attribute widens
/// (SqliteRecordSink and PostgresRecordSink spell this rule in SQL).
/// </summary>
public static class CsvList
{
    public const char Separator = ',';

    /// <summary>Writes <paramref name="cell"/> as a JSON array of strings named <paramref name="name"/>.</summary>
    public static void Write(Utf8JsonWriter json, JsonEncodedText name, ReadOnlySpan<byte> cell)
    {
        json.WriteStartArray(name);
        foreach (var range in cell.Split((byte)Separator))
        {
            var item = cell[range].Trim(" \t"u8);
            if (!item.IsEmpty)
            {
                json.WriteStringValue(item);
            }
        }

        json.WriteEndArray();
    }
}
