using System.Buffers.Binary;
using System.IO.Hashing;
using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Reads a gzip stream and reports any fault as <c>malformed_file</c>. .NET's decompressor stops quietly at
/// the end of its input, so a file cut short would load as fewer records; when the staged file's trailer is
/// known, the decompressed bytes are checked against its CRC-32 and length, which catches truncation and
/// corruption. (That trailer covers one gzip member: a file of several concatenated members is refused.)
/// </summary>
internal sealed class GzipErrorStream(Stream gzip, uint? expectedCrc, uint? expectedLength) : Stream
{
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _verified;

    /// <summary>Reads the CRC-32 and length from the last 8 bytes of a seekable gzip file, restoring its position.</summary>
    public static (uint? Crc, uint? Length) ReadTrailer(Stream raw)
    {
        if (!raw.CanSeek || raw.Length < 18)
        {
            return (null, null);
        }

        var position = raw.Position;
        Span<byte> trailer = stackalloc byte[8];
        raw.Seek(-8, SeekOrigin.End);
        raw.ReadExactly(trailer);
        raw.Position = position;
        return (BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = gzip.Read(buffer);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            throw new IntakeException(ErrorCodes.MalformedFile, $"The gzip stream is corrupt or truncated: {exception.Message}");
        }

        if (read > 0)
        {
            _crc.Append(buffer[..read]);
            _length += read;
        }
        else if (buffer.Length > 0)
        {
            Verify();
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Verify()
    {
        if (_verified || expectedCrc is null)
        {
            return;
        }

        _verified = true;
        if (_crc.GetCurrentHashAsUInt32() != expectedCrc || unchecked((uint)_length) != expectedLength)
        {
            throw new IntakeException(ErrorCodes.MalformedFile,
                $"The gzip stream is truncated or corrupt: its {_length} decompressed bytes do not match the length and checksum in its trailer " +
                "(a file of several concatenated gzip members is not supported either; recompress it as one).");
        }
    }
}
