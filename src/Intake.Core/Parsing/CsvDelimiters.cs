namespace Intake.Core.Parsing;

/// <summary>
/// The delimiters a CSV file is sniffed for when none is given, and how a file's first lines split on them.
/// Quotes are respected (a delimiter or line break inside a quoted field does not count). Stateless.
/// </summary>
public static class CsvDelimiters
{
    /// <summary>Tried in this order; on a tie the earlier one wins, so a comma stays the default.</summary>
    public static IReadOnlyList<char> Candidates { get; } = [',', ';', '\t', '|'];

    /// <summary>How many records (the header included) the sniffer compares.</summary>
    private const int SampleRecords = 20;

    /// <summary>
    /// The delimiter of the file whose first bytes are <paramref name="head"/>: the candidate that splits the
    /// header into the most columns (at least two) and every sampled record into as many; failing that, the one
    /// that splits the header into the most columns. Null when none splits the header (one column, or no header).
    /// </summary>
    /// <param name="head">The start of the (decompressed) file.</param>
    /// <param name="wholeFile">Whether <paramref name="head"/> is the whole file, so its last line is complete.</param>
    public static char? Sniff(ReadOnlySpan<byte> head, bool wholeFile)
    {
        char? consistent = null, widest = null;
        int consistentColumns = 1, widestColumns = 1;
        Span<int> counts = stackalloc int[SampleRecords];
        foreach (var candidate in Candidates)
        {
            var records = CountFields(head, (byte)candidate, wholeFile, counts);
            if (records == 0)
            {
                continue;
            }

            var header = counts[0];
            if (header > widestColumns)
            {
                (widest, widestColumns) = (candidate, header);
            }

            if (header > consistentColumns && !counts[..records].ContainsAnyExcept(header))
            {
                (consistent, consistentColumns) = (candidate, header);
            }
        }

        return consistent ?? widest;
    }

    /// <summary>The names a user reads for a delimiter (<c>tab</c> for a tab), as the <c>delimiter</c> parameter takes them.</summary>
    public static string Name(char delimiter) => delimiter == '\t' ? "tab" : delimiter.ToString();

    /// <summary>The first non-blank record of <paramref name="head"/> split on <paramref name="delimiter"/>, names trimmed and unquoted.</summary>
    public static IReadOnlyList<string> SplitHeader(ReadOnlySpan<byte> head, char delimiter)
    {
        using var reader = new CsvRowReader(new MemoryStream(head.ToArray()), (byte)delimiter, bufferSize: Math.Max(head.Length, 16),
            maxRecordBytes: Math.Max(head.Length, 1));
        try
        {
            return reader.ReadHeader().Columns;
        }
        catch (Jobs.IntakeException)
        {
            return [];
        }
    }

    /// <summary>Fields per record for up to <paramref name="counts"/>.Length non-blank records; returns how many were counted.</summary>
    private static int CountFields(ReadOnlySpan<byte> head, byte delimiter, bool wholeFile, Span<int> counts)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        var records = 0;
        var fields = 1;
        var quoted = false;
        var blank = true;
        foreach (var b in head)
        {
            if (b == (byte)'"')
            {
                quoted = !quoted;
                blank = false;
            }
            else if (quoted)
            {
                continue;
            }
            else if (b == delimiter)
            {
                fields++;
                blank = false;
            }
            else if (b == (byte)'\n')
            {
                if (!blank)
                {
                    counts[records++] = fields;
                    if (records == counts.Length)
                    {
                        return records;
                    }
                }

                (fields, blank) = (1, true);
            }
            else if (b is not ((byte)'\r' or (byte)' ' or (byte)'\t'))
            {
                blank = false;
            }
        }

        if (wholeFile && !blank && !quoted)
        {
            counts[records++] = fields;
        }

        return records;
    }
}
