namespace Intake.Core.Imports;

/// <summary>How far a load has come; <see cref="BytesTotal"/> is the staged (possibly compressed) file's size.</summary>
public sealed record ImportProgress(long BytesRead, long? BytesTotal, long RecordsRead, long RecordsWritten, long RecordsRejected)
{
    public static readonly ImportProgress None = new(0, null, 0, 0, 0);
}
