namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// A group of merged records, classified on the merging thread: new keys, or keys that may exist (their hash
/// is stored already, or repeats within the file) and need the per-row path. Reused; one owner at a time.
/// A chunk holds several statements' worth of rows: each hand-over between the merging thread and SQLite's
/// costs a thread wake-up, which at one statement per chunk was as much CPU as the merge itself.
/// </summary>
internal sealed class MergedChunk
{
    public const int Size = RowInserter.RowsPerStatement * 8;

    public StagedRecord[] Records { get; } = Enumerable.Range(0, Size).Select(_ => new StagedRecord()).ToArray();

    public bool[] MayExist { get; } = new bool[Size];

    public int Count { get; set; }

    /// <summary>
    /// Whether the statement-sized group at <paramref name="start"/> is whole and all new keys, so it goes to SQLite
    /// as one statement without another copy.
    /// </summary>
    public bool IsGroupOfNewKeys(int start) =>
        start + RowInserter.RowsPerStatement <= Count && Array.IndexOf(MayExist, true, start, RowInserter.RowsPerStatement) < 0;
}
