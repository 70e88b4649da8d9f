using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Intake.Core.Parsing;
using nietras.SeparatedValues;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// Issue 14 item 10: Intake's CSV reader against Sep 0.17.1, an independent and maintained parser, on generated
/// RFC 4180 files: quoted and unquoted fields holding delimiters, doubled quotes and line breaks, CRLF, LF and CR
/// line ends (mixed in one file), a BOM or none, empty fields, blank lines, a last line with or without its
/// break, every delimiter Intake accepts, and read with random buffer sizes so records straddle refills. Both
/// must yield exactly the same rows and fields.
/// </summary>
/// <remarks>
/// What the generator leaves out, and why: a quote inside an unquoted field. Intake keeps it as data (quoting
/// only opens at the start of a field, docs/decisions.md "CSV strictness"); Sep toggles quoting at any quote.
/// Neither is wrong for input RFC 4180 calls invalid, and Intake's reading stores the bytes as written. Text
/// after a closing quote is not generated either: Intake rejects that record, which the reader tests cover.
/// Bytes that are not UTF-8 are not generated because Sep decodes to UTF-16 with replacement characters, the
/// very repair Intake refuses; the encoding tests and the fuzz tests cover them.
/// </remarks>
public sealed class CsvOracleTests
{
    // Intake accepts any ASCII byte but a quote, CR or LF; Sep takes tab and 32–126, so control characters as
    // delimiters (and #, which Sep refuses) are left to the reader's own tests. These are the ones files use plus others.
    private static readonly char[] s_delimiters = [',', ';', '\t', '|', ' ', ':', '^', '~', 'x', '\u001F'];

    private static readonly string[] s_pieces =
        ["a", "b", "Z", "0", "7", " ", "  ", "\"", "\"\"", ",", ";", "\t", "|", "\n", "\r\n", "\r", "é", "日本", "😀", "\uFEFF", "x y", "", "null"];

    [Fact]
    public void Intake_reads_generated_csv_field_for_field_as_sep_does()
    {
        var property = Prop.ForAll(CsvFiles().ToArbitrary(), file =>
        {
            var intake = ReadWithIntake(file.Bytes, file.Delimiter, file.BufferSize);
            var sep = ReadWithSep(file.Bytes, file.Delimiter);
            return Same(intake, sep).Label($"delimiter {(int)file.Delimiter}, buffer {file.BufferSize}, text {Show(file.Text)}\nintake {Show(intake)}\nsep    {Show(sep)}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Oracle.Runs(600)).WithQuietOnSuccess(true), property);
    }

    /// <summary>A file as written: its text, delimiter, and the buffer size Intake reads it with.</summary>
    public sealed record CsvFile(string Text, byte[] Bytes, char Delimiter, int BufferSize);

    private static Gen<CsvFile> CsvFiles() =>
        from delimiter in Gen.Elements(s_delimiters)
        from rows in Gen.ListOf(Row(delimiter)).Select(r => r.ToList())
        from endings in Gen.ListOf(Gen.Elements("\n", "\r\n", "\r")).Select(e => e.ToList())
        from lastBreak in ArbMap.Default.GeneratorFor<bool>()
        from bom in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from bufferSize in Gen.Elements(1, 2, 3, 7, 16, 64, 65, 333, 1 << 16)
        select Write(rows, endings, lastBreak, bom, delimiter, bufferSize);

    private static Gen<List<(string Value, bool Quote)>> Row(char delimiter) =>
        Gen.ListOf(Field(delimiter)).Select(f => f.ToList()).Where(f => f.Count > 0);

    private static Gen<(string Value, bool Quote)> Field(char delimiter) =>
        from parts in Gen.ListOf(Gen.Elements(s_pieces.Append(delimiter.ToString()).ToArray()))
        from quoteAnyway in ArbMap.Default.GeneratorFor<bool>()
        let value = string.Concat(parts)
        select (value, quoteAnyway || NeedsQuotes(value, delimiter));

    private static bool NeedsQuotes(string value, char delimiter) => value.AsSpan().IndexOfAny(['"', '\r', '\n', delimiter]) >= 0;

    private static CsvFile Write(List<List<(string Value, bool Quote)>> rows, List<string> endings, bool lastBreak, bool bom, char delimiter, int bufferSize)
    {
        var text = new StringBuilder(bom ? "\uFEFF" : "");
        for (var i = 0; i < rows.Count; i++)
        {
            text.AppendJoin(delimiter, rows[i].Select(f => f.Quote ? "\"" + f.Value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f.Value));
            if (i < rows.Count - 1 || lastBreak)
            {
                text.Append(endings.Count == 0 ? "\n" : endings[i % endings.Count]);
            }
        }

        var written = text.ToString();
        return new CsvFile(written, Encoding.UTF8.GetBytes(written), delimiter, bufferSize);
    }

    private static List<string[]> ReadWithIntake(byte[] bytes, char delimiter, int bufferSize)
    {
        using var reader = new CsvRowReader(new MemoryStream(bytes), (byte)delimiter, bufferSize);
        var rows = new List<string[]>();
        CsvReadResult result;
        while ((result = reader.TryReadRow(out var row)) == CsvReadResult.Row)
        {
            Assert.Equal(-1, row.InvalidUtf8Field);
            var fields = new string[row.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = Encoding.UTF8.GetString(row[i]);
            }

            rows.Add(fields);
        }

        Assert.Equal(CsvReadResult.End, result);
        return rows;
    }

    private static List<string[]> ReadWithSep(byte[] bytes, char delimiter)
    {
        using var reader = Sep.New(delimiter)
            .Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true })
            .From(new MemoryStream(bytes));
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            var fields = new string[row.ColCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = row[i].ToString();
            }

            rows.Add(fields);
        }

        return rows;
    }

    private static bool Same(List<string[]> a, List<string[]> b) => a.Count == b.Count && a.Zip(b).All(p => p.First.SequenceEqual(p.Second));

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Show(List<string[]> rows) => System.Text.Json.JsonSerializer.Serialize(rows);
}
