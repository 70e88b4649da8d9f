namespace Intake.Client;

/// <summary>
/// The first step of a two-step upload: <see cref="Url"/> is a capability URL that takes the file once
/// (<see cref="ImportsClient.SendUploadAsync(Upload, Stream, ImportOptions?, CancellationToken)"/>).
/// </summary>
public sealed record Upload(string Id, Uri Url, string DatasetId, string RecordType);
