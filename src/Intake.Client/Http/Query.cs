using System.Globalization;
using System.Text;

namespace Intake.Client;

/// <summary>Builds a path with its query string, leaving out parameters without a value.</summary>
internal sealed class Query(string path)
{
    private readonly StringBuilder _text = new(path);
    private char _separator = '?';

    public Query Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _text.Append(_separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            _separator = '&';
        }

        return this;
    }

    public Query Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public Query Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public Query Add(string name, double? value) => Add(name, value?.ToString("R", CultureInfo.InvariantCulture));

    public Query Add(string name, DateTimeOffset? value) => Add(name, value?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    public Query Add(string name, IReadOnlyList<string>? values) => values is { Count: > 0 } ? Add(name, string.Join(',', values)) : this;

    public override string ToString() => _text.ToString();

    public static string Escape(string segment) => Uri.EscapeDataString(segment);
}
