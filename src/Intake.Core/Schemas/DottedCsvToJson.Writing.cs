using System.Text.Json;
using Intake.Core.Parsing;

namespace Intake.Core.Schemas;

/// <summary>Writing the marked nodes of a row, and the header tree the rows are read through.</summary>
public sealed partial class DottedCsvToJson
{
    private void WriteMembers(PathNode node, in CsvRow row, Utf8JsonWriter writer)
    {
        foreach (var child in node.Names)
        {
            if (_hasContent[child.Id])
            {
                writer.WritePropertyName(child.EncodedName);
                WriteValue(child, row, writer);
            }
        }
    }

    private void WriteValue(PathNode node, in CsvRow row, Utf8JsonWriter writer)
    {
        foreach (var column in node.Columns)
        {
            var cell = row[column];
            if (!cell.IsEmpty)
            {
                WriteCell(cell, row.IsQuoted(column), node.CellTypes, writer);
                return;
            }
        }

        if (!AnyHasContent(node.Names))
        {
            writer.WriteStartArray();
            foreach (var child in node.Indices)
            {
                if (_hasContent[child.Id])
                {
                    WriteValue(child, row, writer);
                }
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        WriteMembers(node, row, writer);
        writer.WriteEndObject();
    }

    private bool AnyHasContent(List<PathNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (_hasContent[node.Id])
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteCell(ReadOnlySpan<byte> cell, bool quoted, JsonTypes types, Utf8JsonWriter writer)
    {
        if (!quoted)
        {
            if ((types & (JsonTypes.Number | JsonTypes.Integer)) != 0 && IsJsonNumber(cell))
            {
                writer.WriteRawValue(cell, skipInputValidation: true);
                return;
            }

            if ((types & JsonTypes.Boolean) != 0 && TryParseBoolean(cell, out var boolean))
            {
                writer.WriteBooleanValue(boolean);
                return;
            }

            // Inferring null would turn a literal "null" into nothing; only a schema that asks for null gets it.
            if (types != JsonTypes.Any && (types & JsonTypes.Null) != 0 && cell.SequenceEqual("null"u8))
            {
                writer.WriteNullValue();
                return;
            }
        }

        writer.WriteStringValue(cell);
    }

    private static bool TryParseBoolean(ReadOnlySpan<byte> cell, out bool value)
    {
        value = System.Text.Ascii.EqualsIgnoreCase(cell, "true"u8);
        return value || System.Text.Ascii.EqualsIgnoreCase(cell, "false"u8);
    }

    /// <summary>The JSON number grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    internal static bool IsJsonNumber(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (i < s.Length && s[i] == '0')
        {
            i++;
        }
        else if (!Digits(s, ref i))
        {
            return false;
        }

        if (i < s.Length && s[i] == '.' && (++i >= s.Length || !Digits(s, ref i)))
        {
            return false;
        }

        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                i++;
            }

            if (!Digits(s, ref i))
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static bool Digits(ReadOnlySpan<byte> s, ref int i)
    {
        var start = i;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            i++;
        }

        return i > start;
    }

    /// <summary>One place in the nested result: a field, or an array element when <see cref="IsIndex"/>.</summary>
    private sealed class PathNode(int id, string name, string path, bool isIndex, int index)
    {
        public int Id { get; } = id;

        public string Name { get; } = name;

        public JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(name);

        /// <summary>The dotted path as the header spells it, e.g. <c>products.0.price_paid</c>.</summary>
        public string Path { get; } = path;

        public bool IsIndex { get; } = isIndex;

        public int Index { get; } = index;

        public List<PathNode> Names { get; } = [];

        public List<PathNode> Indices { get; } = [];

        /// <summary>Columns whose whole path ends here (more than one only for a repeated header).</summary>
        public List<int> Columns { get; } = [];

        public JsonTypes CellTypes { get; set; } = JsonTypes.Any;
    }
}
