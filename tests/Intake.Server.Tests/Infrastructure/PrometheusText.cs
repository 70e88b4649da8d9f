using System.Globalization;
using System.Text.RegularExpressions;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every line must be a <c># HELP</c>, a
/// <c># TYPE</c> or a sample of a declared family, else it throws. Samples are keyed as
/// <c>name{label="value",…}</c> with the labels sorted, so a test can look one up regardless of order.
/// </summary>
public sealed partial class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, double> Samples => _samples;

    public IReadOnlyDictionary<string, string> Types => _types;

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line == "# EOF")
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                if (!comment.Success)
                {
                    throw new FormatException($"Not a HELP or TYPE line: {line}");
                }

                if (comment.Groups["kind"].Value == "TYPE")
                {
                    parsed._types[comment.Groups["name"].Value] = comment.Groups["rest"].Value;
                }

                continue;
            }

            var sample = Sample().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"Not a sample line: {line}");
            }

            var name = sample.Groups["name"].Value;
            if (!parsed._types.Keys.Any(family => name == family || (name.StartsWith(family, StringComparison.Ordinal) &&
                    name[family.Length..] is "_bucket" or "_sum" or "_count" or "_total" or "_created")))
            {
                throw new FormatException($"Sample of an undeclared family: {line}");
            }

            var labels = Label().Matches(sample.Groups["labels"].Value).Select(m => $"{m.Groups["key"].Value}=\"{m.Groups["value"].Value}\"").Order(StringComparer.Ordinal);
            var value = sample.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            parsed._samples[$"{name}{{{string.Join(",", labels)}}}"] = value;
        }

        return parsed;
    }

    /// <summary>The sample's value; 0 when absent (a counter not yet incremented is not exported).</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        _samples.GetValueOrDefault($"{name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"").Order(StringComparer.Ordinal))}}}");

    /// <summary>The sum over every sample of a name whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => s.Key.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(s => s.Value);

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?: (?<rest>.*))?$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})? (?<value>[-+]?(?:[0-9.eE+-]+|Inf|NaN))(?: -?[0-9]+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
