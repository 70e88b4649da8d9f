namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// A group of merged records, classified on the merging thread: new keys, or keys that may exist (their hash
/// is stored already, or repeats within the file) and need the per-row path. Reused; one owner at a time.
/// </summary>
internal sealed class MergedChunk
{
    public const int Size = RowInserter.RowsPerStatement;

    public StagedRecord[] Records { get; } = Enumerable.Range(0, Size).Select(_ => new StagedRecord()).ToArray();

    public bool[] MayExist { get; } = new bool[Size];

    public int Count { get; set; }

    /// <summary>A full chunk of new keys, which goes to SQLite as one statement without another copy.</summary>
    public bool IsFullOfNewKeys => Count == Size && Array.IndexOf(MayExist, true, 0, Count) < 0;
}
