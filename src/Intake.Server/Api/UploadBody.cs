using Intake.Core.Jobs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Intake.Server.Api;

/// <summary>
/// The file of an upload request, streamed: the raw body, or the first file part of a multipart form
/// (read section by section, never buffered whole). Owned by the request; the caller does not dispose it.
/// A multipart body that cannot be read up to its file part (no boundary, a part header over 16 KiB or more
/// than 16 headers) is refused with <c>malformed_multipart</c>.
/// </summary>
internal sealed record UploadBody(Stream Stream, string? FileName, string? ContentType, string? ContentEncoding, long? DeclaredLength)
{
    private const int MaxFieldBytes = 64 * 1024;

    /// <summary>
    /// Form fields that came before the file part. A field after it cannot be read without buffering the file:
    /// the file's stream refuses it when it ends (<see cref="FilePartStream"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    public static async Task<UploadBody?> OpenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadToFileAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // #14: MultipartReader throws these for bodies it cannot parse; they are the client's fault, not ours.
            throw new IntakeException(ErrorCodes.MalformedMultipart, $"The multipart body cannot be read: {exception.Message}");
        }
    }

    private static async Task<UploadBody?> ReadToFileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new UploadBody(request.BodyReader.AsStream(), null, request.ContentType, request.Headers.ContentEncoding.FirstOrDefault(),
                request.ContentLength);
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return null;
        }

        // The file part's length is limited by Limits:MaxFileBytes while it is staged, not by the reader's 128 MiB default.
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                return new UploadBody(new FilePartStream(section.Body, reader), fileName, section.ContentType, section.Headers?.GetValueOrDefault("Content-Encoding").FirstOrDefault(),
                    request.ContentLength) { Fields = fields };
            }

            if (disposition.IsFormDisposition() && HeaderUtilities.RemoveQuotes(disposition.Name).Value is { } name)
            {
                using var text = new StreamReader(section.Body);
                var buffer = new char[MaxFieldBytes];
                var read = await text.ReadBlockAsync(buffer, cancellationToken);
                fields[name] = new string(buffer, 0, read);
            }
        }

        return null;
    }
}
