using System.CommandLine;

namespace Intake.Cli.Offline;

/// <summary>The options convert and validate share, created once per command.</summary>
internal sealed class OfflineOptions
{
    public readonly Option<FileInfo?> Definition = new("--definition") { Description = "A custom record type's definition file (docs/record-types.md), named by --record-type" };
    public readonly Option<string?> Delimiter = new("--delimiter") { Description = "The CSV delimiter: one character, or tab [default: ,]" };
    public readonly Option<FileInfo?> Errors;

    public OfflineOptions(string errorsDescription) => Errors = new("--errors") { Description = errorsDescription };

    public void AddTo(Command command)
    {
        command.Options.Add(Definition);
        command.Options.Add(Delimiter);
        command.Options.Add(Errors);
    }
}
