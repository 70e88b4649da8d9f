using System.CommandLine;
using Intake.Server.Hosting;

namespace Intake.Cli.Commands;

/// <summary>
/// <c>intake serve</c>: the server in this process, with exactly the options the server takes on its own
/// (<c>--urls</c>, <c>--Section:Key=value</c>, <c>INTAKE_*</c> variables), which pass through unparsed.
/// </summary>
internal sealed class ServeCommand : Command
{
    public ServeCommand(GlobalOptions globals)
        : base("serve", Help.WithExample(
            "Run the Intake server (SQLite in ./data unless configured; see README, Configuration). Every option after serve " +
            "is the server's own: --urls, --Section:Key=value. With --json the server logs as JSON lines.",
            "intake serve --urls http://127.0.0.1:8080 --Storage:DataDirectory=/var/lib/intake"))
    {
        TreatUnmatchedTokensAsErrors = false;
        SetAction(async (result, cancellationToken) =>
        {
            var args = result.UnmatchedTokens.ToList();
            if (result.GetValue(globals.Json))
            {
                args.Add("--Logging:Console:FormatterName=json");
            }

            return await IntakeServerHost.RunAsync([.. args], cancellationToken);
        });
    }
}
