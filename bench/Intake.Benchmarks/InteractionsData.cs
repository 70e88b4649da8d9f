using System.Globalization;
using System.Text;

namespace Intake.Benchmarks;

/// <summary>Generated interactions in the data-batch shape, as CSV and as NDJSON.</summary>
public static class InteractionsData
{
    private static readonly string[] s_types = ["click", "view", "purchase", "add_to_cart", "rating"];
    private static readonly string[] s_sources = ["web", "ios", "android", "email"];

    public static byte[] Csv(int rows)
    {
        var text = new StringBuilder(rows * 90);
        text.Append("type,source_id,target_id,timestamp,metadata\n");
        var random = new Random(42);
        var time = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{s_types[random.Next(s_types.Length)]},user_{random.Next(100_000)},item_{random.Next(50_000)},{time.AddMilliseconds(i * 1337L):yyyy-MM-ddTHH:mm:ss.fffZ},\"{{\"\"source\"\":\"\"{s_sources[random.Next(s_sources.Length)]}\"\",\"\"position\"\":{random.Next(20)}}}\"\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Ndjson(int rows)
    {
        var text = new StringBuilder(rows * 140);
        var random = new Random(42);
        var time = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"type\":\"{s_types[random.Next(s_types.Length)]}\",\"source_id\":\"user_{random.Next(100_000)}\",\"target_id\":\"item_{random.Next(50_000)}\",\"timestamp\":\"{time.AddMilliseconds(i * 1337L):yyyy-MM-ddTHH:mm:ss.fffZ}\",\"metadata\":{{\"source\":\"{s_sources[random.Next(s_sources.Length)]}\",\"position\":{random.Next(20)}}}}}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The NDJSON records as one JSON array, one element per line.</summary>
    public static byte[] JsonArray(byte[] ndjson)
    {
        var text = Encoding.UTF8.GetString(ndjson).TrimEnd('\n').Replace("\n", ",\n", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes("[\n" + text + "\n]\n");
    }
}
