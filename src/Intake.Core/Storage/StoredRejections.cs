using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// The rejections a load keeps in memory to store with its import at the commit: the first
/// <see cref="LoadRequest.MaxStoredErrors"/>, and no more once their text reaches <see cref="MaxChars"/>. The count of
/// rejections stays exact either way. An error id holds the record's key (up to 1,024 bytes a field), so without the
/// second bound 100,000 rejections with long keys held 900 MB.
/// </summary>
public sealed class StoredRejections(int maxCount)
{
    /// <summary>The most text (error ids, messages, fields) kept: 32 Mi characters, 64 MB. 100,000 usual rejections take about 10 Mi.</summary>
    public const long MaxChars = 32L << 20;

    private readonly List<RecordRejection> _kept = [];
    private long _chars;
    private bool _full;

    public IReadOnlyList<RecordRejection> Kept => _kept;

    /// <summary>Keeps <paramref name="rejection"/> unless the count or the text is at its bound; from then on nothing is kept.</summary>
    public void Add(RecordRejection rejection)
    {
        var chars = rejection.TextLength;
        if (_full || _kept.Count >= maxCount || _chars + chars > MaxChars)
        {
            _full = true;
            return;
        }

        _kept.Add(rejection);
        _chars += chars;
    }

    public void AddRange(IEnumerable<RecordRejection> rejections)
    {
        foreach (var rejection in rejections)
        {
            Add(rejection);
        }
    }
}
