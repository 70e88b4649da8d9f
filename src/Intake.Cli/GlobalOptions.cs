using System.CommandLine;

namespace Intake.Cli;

/// <summary>The options every command takes (recursive on the root), created once per root command.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public readonly Option<string?> Url = new("--url")
    {
        Description = $"The server's URL [default: $INTAKE_URL, else {DefaultUrl}]",
        Recursive = true,
    };

    public readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "An API key [default: $INTAKE_API_KEY]. Keys issued by Intake sign their requests; the master key is sent as a bearer token.",
        Recursive = true,
    };

    public readonly Option<bool> Json = new("--json")
    {
        Description = "Write the result as JSON on stdout (and nothing else there); progress still goes to stderr",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(Json);
    }
}
