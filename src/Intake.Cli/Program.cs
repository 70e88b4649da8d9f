using System.CommandLine;
using System.CommandLine.Invocation;
using Intake.Cli.Commands;

namespace Intake.Cli;

/// <summary>The <c>intake</c> tool: parse, turn parse errors into exit status 3, run the command.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = CreateRootCommand();
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"error usage: {error.Message}");
            }

            Console.Error.WriteLine($"See '{string.Join(' ', CommandPath(result))} --help'.");
            return (int)ExitCode.Usage;
        }

        // Ctrl+C cancels the command's token; a command that has not returned 10 s later is ended with 130.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
    }

    public static RootCommand CreateRootCommand()
    {
        var globals = new GlobalOptions();
        var root = new RootCommand(Help.WithExample(
            "intake: run an Intake server, load files into it with progress, manage datasets, jobs and keys, and convert and validate files offline.",
            "intake serve",
            "intake datasets create shop && intake import products.csv --dataset shop --wait"));
        globals.AddTo(root);
        root.Subcommands.Add(new ServeCommand(globals));
        root.Subcommands.Add(new DatasetsCommand(globals));
        root.Subcommands.Add(new ImportCommand(globals));
        root.Subcommands.Add(new ApplyCommand(globals));
        root.Subcommands.Add(new QualityCommand(globals));
        root.Subcommands.Add(new JobsCommand(globals));
        root.Subcommands.Add(new KeysCommand(globals));
        root.Subcommands.Add(new ExportCommand(globals));
        root.Subcommands.Add(new ConvertCommand(globals));
        root.Subcommands.Add(new ValidateCommand(globals));
        return root;
    }

    private static IEnumerable<string> CommandPath(ParseResult result)
    {
        var names = new Stack<string>();
        for (var symbol = result.CommandResult; symbol is not null; symbol = symbol.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(symbol.Command is RootCommand ? "intake" : symbol.Command.Name);
        }

        return names;
    }
}
