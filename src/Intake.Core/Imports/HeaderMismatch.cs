using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Text;

namespace Intake.Core.Imports;

/// <summary>
/// The <c>header_mismatch</c> failure, written to say what to do: the header (or first JSON record's properties)
/// as read, every required column of the nearest record type and which are missing, then the likely cause —
/// a JSON body sent as CSV, another delimiter, another record type, or a column name spelled differently.
/// </summary>
internal static class HeaderMismatch
{
    /// <summary>
    /// The failure for a CSV <paramref name="header"/> read with <paramref name="delimiter"/> that fits none of
    /// <paramref name="candidates"/> (the named type, or the types <c>auto</c> chooses from). <paramref name="head"/>
    /// is the start of the file; <paramref name="known"/> every type the import could have named.
    /// </summary>
    public static IntakeException ForCsv(CsvHeader header, char delimiter, IReadOnlyList<RecordType> candidates, bool named,
        ReadOnlySpan<byte> head, IReadOnlyList<RecordType> known)
    {
        var ranked = Rank(candidates, type => Missing(type, header));
        var nearest = ranked[0];
        var read = $"it reads [{NameList.Of(header.Columns)}] ({Columns(header.Columns.Count)} split on '{CsvDelimiters.Name(delimiter)}')";
        var hint = JsonBody(head)
            ?? OtherDelimiter(head, delimiter, candidates.Concat(known).Distinct().ToList())
            ?? OtherType(candidates, known, type => Missing(type, header).Count == 0)
            ?? SimilarNames(nearest, header.Columns);
        return Failure("header", read, ranked, named, hint, type => type.RequiredColumns);
    }

    /// <summary>The failure for a first JSON record whose <paramref name="properties"/> fit none of <paramref name="candidates"/>.</summary>
    public static IntakeException ForJson(IReadOnlyCollection<string> properties, IReadOnlyList<RecordType> candidates, bool named,
        IReadOnlyList<RecordType> known) =>
        ForNames("first record", properties.Count == 0 ? "it is not a JSON object with properties" : $"its properties are [{NameList.Of(properties)}]",
            properties, candidates, named, known);

    /// <summary>
    /// The failure for JSON whose first <paramref name="examined"/> records hold no JSON object to detect the record
    /// type from; <paramref name="firstProblem"/> says what is wrong with the first (<c>is not a JSON object</c>), on
    /// <paramref name="firstLine"/>.
    /// </summary>
    public static IntakeException ForJsonWithoutObject(int examined, string firstProblem, long firstLine, IReadOnlyList<RecordType> candidates,
        IReadOnlyList<RecordType> known) =>
        examined == 1
            ? ForNames("first record", $"it {firstProblem}", [], candidates, named: false, known)
            : ForNames("file", $"none of its first {examined} records is a JSON object; the first, on line {firstLine}, {firstProblem}", [], candidates,
                named: false, known);

    /// <summary>The failure for a Parquet file whose <paramref name="columns"/> fit none of <paramref name="candidates"/>.</summary>
    public static IntakeException ForParquet(IReadOnlyCollection<string> columns, IReadOnlyList<RecordType> candidates, bool named,
        IReadOnlyList<RecordType> known) =>
        ForNames("Parquet schema", $"its columns are [{NameList.Of(columns)}]", columns, candidates, named, known);

    private static IntakeException ForNames(string what, string read, IReadOnlyCollection<string> present, IReadOnlyList<RecordType> candidates, bool named,
        IReadOnlyList<RecordType> known)
    {
        var names = new HashSet<string>(present, StringComparer.OrdinalIgnoreCase);
        var ranked = Rank(candidates, type => type.RequiredFields.Where(c => !names.Contains(c)).ToList());
        var hint = OtherType(candidates, known, type => type.RequiredFields.All(names.Contains)) ?? SimilarNames(ranked[0], present);
        return Failure(what, read, ranked, named, hint, type => type.RequiredFields);
    }

    /// <summary>The message: what was read, the nearest candidate's columns, then the other candidates' (for <c>auto</c>), then the hint.</summary>
    /// <param name="needs">What a candidate needs: a CSV header its columns, a self-describing record its required fields.</param>
    private static IntakeException Failure(string what, string read, IReadOnlyList<(RecordType Type, IReadOnlyList<string> Missing)> ranked, bool named,
        string? hint, Func<RecordType, IReadOnlyList<string>> needs)
    {
        var nearest = ranked[0];
        var fits = named ? $"The {what} does not fit record type {nearest.Type.Name}" : $"The {what} fits no record type";
        var closest = named || ranked.Count == 1 ? $"Record type {nearest.Type.Name}" : $"The nearest record type, {nearest.Type.Name},";
        var message = $"{fits}: {read}. {closest} needs {Needs(nearest, needs)}" +
            string.Concat(ranked.Skip(1).Select(other => $" Record type {other.Type.Name} needs {Needs(other, needs)}")) +
            (hint is null ? "" : $" {hint}");
        return new IntakeException(ErrorCodes.HeaderMismatch, message);
    }

    private static string Needs((RecordType Type, IReadOnlyList<string> Missing) candidate, Func<RecordType, IReadOnlyList<string>> needs) =>
        $"{string.Join(", ", needs(candidate.Type))}; missing: " +
        (candidate.Missing.Count == needs(candidate.Type).Count && candidate.Missing.Count > 1 ? "all of them." : $"{string.Join(", ", candidate.Missing)}.");

    /// <summary>The candidates by how many required columns they lack, fewest first; the first is the nearest.</summary>
    private static List<(RecordType Type, IReadOnlyList<string> Missing)> Rank(IReadOnlyList<RecordType> candidates, Func<RecordType, IReadOnlyList<string>> missing) =>
        candidates.Select(type => (Type: type, Missing: missing(type))).OrderBy(c => c.Missing.Count).ToList();

    private static IReadOnlyList<string> Missing(RecordType type, CsvHeader header)
    {
        type.BindCsv(header, out var missing);
        return missing;
    }

    private static string? JsonBody(ReadOnlySpan<byte> head)
    {
        var start = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        var first = start.IndexOfAnyExcept(" \t\r\n"u8);
        return first < 0 ? null : start[first] switch
        {
            (byte)'[' => "The file starts with '[', so it looks like a JSON array read as CSV: send it with Content-Type: application/json (or format=json).",
            (byte)'{' => "The file starts with '{', so it looks like NDJSON read as CSV: send it with Content-Type: application/x-ndjson (or format=ndjson).",
            _ => null,
        };
    }

    private static string? OtherDelimiter(ReadOnlySpan<byte> head, char used, IReadOnlyList<RecordType> types)
    {
        foreach (var delimiter in CsvDelimiters.Candidates.Where(d => d != used))
        {
            var columns = CsvDelimiters.SplitHeader(head, delimiter);
            if (columns.Count < 2)
            {
                continue;
            }

            var header = new CsvHeader(columns);
            if (types.FirstOrDefault(type => Telling(type) && Missing(type, header).Count == 0) is { } fits)
            {
                return $"Split on '{CsvDelimiters.Name(delimiter)}' instead, the header has the columns of {fits.Name}: add delimiter={CsvDelimiters.Name(delimiter)}.";
            }
        }

        return null;
    }

    /// <summary>The most specific other type the columns fit (a user-item interaction header also has an item's <c>itemId</c>).</summary>
    private static string? OtherType(IReadOnlyList<RecordType> candidates, IReadOnlyList<RecordType> known, Func<RecordType, bool> fits) =>
        known.Where(type => !candidates.Contains(type) && Telling(type) && fits(type)).MaxBy(type => type.RequiredColumns.Count) is { } other
            ? $"It has the columns of record type {other.Name}: import it with recordType={other.Name}."
            : null;

    /// <summary>Columns that look like a missing one (<c>item_id</c> for <c>itemId</c>), among those the type does not use already.</summary>
    private static string? SimilarNames((RecordType Type, IReadOnlyList<string> Missing) nearest, IEnumerable<string> present)
    {
        var unused = present.Where(p => !nearest.Type.RequiredColumns.Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
        var near = nearest.Missing
            .Select(required => (Required: required, Found: NearestName.Find(required, unused)))
            .Where(p => p.Found is not null)
            .Select(p => $"'{p.Found}' for '{p.Required}'")
            .ToList();
        return near.Count == 0 ? null : $"Names must match (ignoring case): rename {string.Join(", ", near)}.";
    }

    /// <summary>A type with no required column (the CDP product: any one of its ids) fits every header, so it tells nothing.</summary>
    private static bool Telling(RecordType type) => type.RequiredColumns.Count > 0;

    private static string Columns(int count) => count == 1 ? "1 column" : $"{count} columns";
}
