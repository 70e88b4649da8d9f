namespace Intake.Core.Tests.Parsing;

/// <summary>Returns at most a few bytes per read, like a slow network stream.</summary>
internal sealed class TrickleStream(byte[] data, int maxRead = 3) : MemoryStream(data)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxRead)]);
}
