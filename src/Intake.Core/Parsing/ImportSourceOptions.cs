namespace Intake.Core.Parsing;

/// <summary>
/// What the client declared about a staged file, and the decompressed size limit.
/// </summary>
/// <param name="Format">An explicit format option (<see cref="FormatDetector.FromName"/>); wins over everything else.</param>
/// <param name="ContentType">The upload's <c>Content-Type</c>.</param>
/// <param name="ContentEncoding">The upload's <c>Content-Encoding</c>.</param>
/// <param name="FileName">The original file name or URL path.</param>
/// <param name="MaxDecompressedBytes">The most bytes the file may have after decompression.</param>
public sealed record ImportSourceOptions(string? Format, string? ContentType, string? ContentEncoding, string? FileName, long MaxDecompressedBytes);
