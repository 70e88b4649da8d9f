using System.Text.Json;

namespace Intake.Cli;

/// <summary>
/// The per-row report of convert and validate: each problem as a line on stderr (unless <c>--json</c>), every one as
/// NDJSON in the <c>--errors</c> file when given, and the first few kept for the JSON summary.
/// </summary>
internal sealed class ProblemReport<T>(CliContext context, FileInfo? file, int keep, Func<T, string> describe) : IDisposable
{
    private readonly StreamWriter? _file = file is null ? null : new StreamWriter(file.FullName);

    public List<T> Kept { get; } = [];

    public void Add(T problem)
    {
        if (Kept.Count < keep)
        {
            Kept.Add(problem);
        }

        if (!context.Json)
        {
            context.Error.Profile.Out.Writer.WriteLine(describe(problem));
        }

        _file?.WriteLine(JsonSerializer.Serialize(problem, JsonOutput.Compact));
    }

    public void Complete() => _file?.Flush();

    public void Dispose() => _file?.Dispose();
}
