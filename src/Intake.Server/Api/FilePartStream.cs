using Intake.Core.Jobs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Intake.Server.Api;

/// <summary>
/// The file part of a multipart form, read forward. When the file ends it reads what follows it: a form field
/// there (such as <c>tags</c>) would be lost, because fields after the file cannot be read before the file is
/// staged without holding the whole file, so its end throws <c>form_field_after_file</c> instead and the upload
/// fails having loaded nothing. Asynchronous reads only (Kestrel refuses synchronous ones anyway).
/// </summary>
internal sealed class FilePartStream(Stream part, MultipartReader reader) : Stream
{
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await part.ReadAsync(buffer, cancellationToken);
        if (read == 0 && !_checked)
        {
            _checked = true;
            await RefuseFieldsAfterTheFileAsync(cancellationToken);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the file part asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task RefuseFieldsAfterTheFileAsync(CancellationToken cancellationToken)
    {
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFormDisposition())
            {
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                throw new IntakeException(ErrorCodes.FormFieldAfterFile,
                    $"The form field '{name}' comes after the file part, where it cannot be read before the file is stored: send form fields " +
                    $"before the file (with curl, -F {name}=… before -F file=@…). Nothing was imported.");
            }
        }
    }
}
