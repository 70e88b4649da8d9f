namespace Intake.Core.Imports;

/// <summary>How far a load has come; <see cref="BytesTotal"/> is the staged (possibly compressed) file's size.</summary>
/// <param name="RecordsDeleted">Stored records a <c>replace</c> load deleted; known once the load is final.</param>
public sealed record ImportProgress(long BytesRead, long? BytesTotal, long RecordsRead, long RecordsWritten, long RecordsRejected, long RecordsDeleted = 0)
{
    public static readonly ImportProgress None = new(0, null, 0, 0, 0);
}
