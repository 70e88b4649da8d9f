using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Decompresses gzip (RFC 1952), member after member, and checks each member's CRC-32 and length.
/// </summary>
/// <remarks>
/// Why not <see cref="GZipStream"/>: on a truncated file it just ends early, without an error (measured
/// on .NET 10, unless the process-wide AppContext switch System.IO.Compression.UseStrictValidation is
/// set), so a cut-off upload would import as a shorter file. Here the gzip framing is read by hand and
/// only the deflate data goes through <see cref="DeflateStream"/>. DeflateStream reads ahead, so the
/// member's trailer is found among the last two chunks handed to it: the trailer must be exactly
/// CRC-32 and length of what was inflated, which a cut-off or corrupt file fails.
/// Every failure is an <see cref="IntakeException"/> with <see cref="ErrorCodes.MalformedFile"/>.
/// Disposes the inner stream.
/// </remarks>
internal sealed class GzipReadStream : ReadOnlyStream
{
    private const int InputSize = 64 << 10;
    // At most two fed chunks are kept for the trailer search, so each is at most a quarter of the input.
    private const int MaxFeed = InputSize / 4;
    private const byte FlagHeaderCrc = 0x02;
    private const byte FlagExtra = 0x04;
    private const byte FlagName = 0x08;
    private const byte FlagComment = 0x10;
    private const byte FlagReserved = 0xE0;

    private readonly Stream _inner;
    private readonly byte[] _input = new byte[InputSize];
    private readonly Crc32 _crc = new();
    private int _inputPos;
    private int _inputEnd;
    private bool _innerEof;
    private int _feedStart;
    private int _previousFeedStart;
    private DeflateStream? _deflate;
    private long _memberLength;
    private int _members;
    private bool _ended;

    public GzipReadStream(Stream inner)
    {
        _inner = inner;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        while (true)
        {
            if (_deflate is null && !StartMember())
            {
                _ended = true;
                return 0;
            }

            int read;
            try
            {
                read = _deflate!.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw Corrupt(ex.Message);
            }

            if (read > 0)
            {
                _crc.Append(buffer[..read]);
                _memberLength += read;
                return read;
            }

            EndMember();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads a member header; false at a clean end of input.</summary>
    private bool StartMember()
    {
        if (!Fill(_inputPos, 1))
        {
            return false;
        }

        if (!Fill(_inputPos, 10) || _input[_inputPos] != 0x1F || _input[_inputPos + 1] != 0x8B)
        {
            throw Corrupt(_members == 0 ? "the file does not start with the gzip magic bytes" : "data follows the end of the gzip stream");
        }

        if (_input[_inputPos + 2] != 8)
        {
            throw Corrupt("the compression method is not deflate");
        }

        var flags = _input[_inputPos + 3];
        if ((flags & FlagReserved) != 0)
        {
            throw Corrupt("the header has reserved flags set");
        }

        var length = 10;
        if ((flags & FlagExtra) != 0)
        {
            RequireHeader(length + 2);
            length += 2 + BinaryPrimitives.ReadUInt16LittleEndian(_input.AsSpan(_inputPos + length));
        }

        if ((flags & FlagName) != 0)
        {
            length = SkipZeroTerminated(length);
        }

        if ((flags & FlagComment) != 0)
        {
            length = SkipZeroTerminated(length);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            length += 2;
        }

        RequireHeader(length);
        _inputPos += length;
        _feedStart = _previousFeedStart = _inputPos;
        _crc.Reset();
        _memberLength = 0;
        _members++;
        _deflate = new DeflateStream(new Feed(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>Checks and skips the trailer after DeflateStream reported the end of the member's data.</summary>
    private void EndMember()
    {
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)_memberLength));

        // The deflate data ended somewhere in the last two chunks fed, and the trailer follows it. A
        // match must also be followed by the end of input or another member: an empty member's
        // trailer is eight zero bytes, which also match one byte early, overlapping the deflate data.
        Fill(_previousFeedStart, trailer.Length + 2);
        for (var from = _previousFeedStart; from <= _inputPos && from + trailer.Length <= _inputEnd;)
        {
            var at = _input.AsSpan(from, Math.Min(_inputEnd, _inputPos + trailer.Length) - from).IndexOf(trailer);
            if (at < 0)
            {
                break;
            }

            var next = from + at + trailer.Length;
            if ((next == _inputEnd && _innerEof) || (next + 2 <= _inputEnd && _input[next] == 0x1F && _input[next + 1] == 0x8B))
            {
                _inputPos = next;
                _deflate!.Dispose();
                _deflate = null;
                return;
            }

            from += at + 1;
        }

        throw Corrupt("the data ends early, does not match its CRC-32 and length, or is followed by bytes that are not gzip");
    }

    private void RequireHeader(int length)
    {
        if (!Fill(_inputPos, length))
        {
            throw Corrupt("the file ends inside a gzip header");
        }
    }

    private int SkipZeroTerminated(int length)
    {
        while (true)
        {
            RequireHeader(length + 1);
            var zero = _input.AsSpan(_inputPos + length, _inputEnd - _inputPos - length).IndexOf((byte)0);
            if (zero >= 0)
            {
                return length + zero + 1;
            }

            if (_inputEnd - _inputPos >= InputSize)
            {
                throw Corrupt("a name or comment in the gzip header is longer than 64 KB");
            }

            length = _inputEnd - _inputPos;
        }
    }

    /// <summary>
    /// Drops the bytes before <paramref name="keepFrom"/> and reads until <paramref name="need"/>
    /// bytes follow <see cref="_inputPos"/> or the input ends; true when they do.
    /// </summary>
    private bool Fill(int keepFrom, int need)
    {
        if (_inputEnd - _inputPos >= need)
        {
            return true;
        }

        if (keepFrom > 0)
        {
            _input.AsSpan(keepFrom, _inputEnd - keepFrom).CopyTo(_input);
            _inputEnd -= keepFrom;
            _inputPos -= keepFrom;
            _feedStart = Math.Max(0, _feedStart - keepFrom);
            _previousFeedStart = Math.Max(0, _previousFeedStart - keepFrom);
        }

        while (!_innerEof && _inputEnd - _inputPos < need && _inputEnd < _input.Length)
        {
            var read = _inner.Read(_input, _inputEnd, _input.Length - _inputEnd);
            _innerEof = read == 0;
            _inputEnd += read;
        }

        return _inputEnd - _inputPos >= need;
    }

    private static IntakeException Corrupt(string detail) =>
        new(ErrorCodes.MalformedFile, $"The gzip stream is corrupt or truncated: {detail}.");

    /// <summary>What DeflateStream reads from: the buffered input, remembering the last two chunks handed over.</summary>
    private sealed class Feed(GzipReadStream owner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            if (owner._inputPos == owner._inputEnd && !owner.Fill(owner._feedStart, 1))
            {
                return 0;
            }

            var count = Math.Min(Math.Min(buffer.Length, MaxFeed), owner._inputEnd - owner._inputPos);
            owner._previousFeedStart = owner._feedStart;
            owner._feedStart = owner._inputPos;
            owner._input.AsSpan(owner._inputPos, count).CopyTo(buffer);
            owner._inputPos += count;
            return count;
        }
    }
}
