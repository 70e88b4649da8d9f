using System.IO.Compression;

namespace Intake.Core.Tests.Parsing;

internal static class GzipTestData
{
    public static byte[] Compress(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// The same member with every optional header field that GZipStream never writes but gzip(1) and
    /// other tools do: FEXTRA, FNAME, FCOMMENT and FHCRC.
    /// </summary>
    public static byte[] WithAllHeaderFields(byte[] member)
    {
        var header = member[..10];
        header[3] = 0x02 | 0x04 | 0x08 | 0x10;
        byte[] extra = [3, 0, (byte)'a', (byte)'b', (byte)'c'];
        byte[] name = [.. "data.csv"u8, 0];
        byte[] comment = [.. "exported"u8, 0];
        byte[] headerCrc = [0x12, 0x34];
        return [.. header, .. extra, .. name, .. comment, .. headerCrc, .. member[10..]];
    }

    public static byte[] Read(Stream stream, int chunk = 8192)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
