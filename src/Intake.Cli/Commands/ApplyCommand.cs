using System.CommandLine;

namespace Intake.Cli.Commands;

/// <summary><c>intake apply PLAN</c>: apply a plan made with <c>intake import --plan</c>, from its staged file, and with <c>--wait</c> follow the load.</summary>
internal sealed class ApplyCommand : Command
{
    public readonly Argument<string> Plan = new("plan") { Description = "The id of a plan (an import made with --plan that ended planned)" };
    public readonly Option<bool> Wait = new("--wait", "-w") { Description = "Follow the load to its end; the exit status then tells how it ended" };

    public ApplyCommand(GlobalOptions globals)
        : base("apply", Help.WithExample(
            "Apply a plan: the server loads the plan's staged file again (no second upload) in the plan's mode, as a new import. " +
            "If the dataset changed since the plan, the file is checked again and the import's warnings say so. " +
            "Exit status with --wait as for import: 0 completed, 1 completed with rejected records, 2 failed or canceled.",
            "intake apply 0193e0c2-5b1e-7000-8000-000000000000 --wait"))
    {
        Arguments.Add(Plan);
        Options.Add(Wait);
        CommandAction.Set(this, globals, (result, context, cancellationToken) =>
            new ImportRunner(context).ApplyAsync(result.GetValue(Plan)!, result.GetValue(Wait), cancellationToken));
    }
}
