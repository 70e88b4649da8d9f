namespace Intake.Core.Jobs;

/// <summary>Every unit of background work is one of these, recorded in one job log.</summary>
public enum JobKind
{
    /// <summary>Receiving an uploaded file or fetching one from a URL.</summary>
    FileUpload,

    /// <summary>Parsing, validating and writing a staged file into its dataset.</summary>
    DatasetLoad,

    ClearData,
    DeleteBatch,
    DeleteDataset,
}

public static class JobKindNames
{
    public static string ToWire(this JobKind kind) => kind switch
    {
        JobKind.FileUpload => "file_upload",
        JobKind.DatasetLoad => "dataset_load",
        JobKind.ClearData => "clear_data",
        JobKind.DeleteBatch => "delete_batch",
        JobKind.DeleteDataset => "delete_dataset",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? value, out JobKind kind)
    {
        foreach (var candidate in Enum.GetValues<JobKind>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>Jobs that change a dataset's records run one at a time per dataset, in acceptance order.</summary>
    public static bool MutatesDataset(this JobKind kind) => kind is not JobKind.FileUpload;
}
