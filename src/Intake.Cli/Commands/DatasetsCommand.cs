using System.CommandLine;
using Intake.Client;

namespace Intake.Cli.Commands;

/// <summary><c>intake datasets create|list|show|clear|delete</c>.</summary>
internal sealed class DatasetsCommand : Command
{
    public DatasetsCommand(GlobalOptions globals)
        : base("datasets", "Create, list, show, clear and delete datasets.")
    {
        Subcommands.Add(Create(globals));
        Subcommands.Add(List(globals));
        Subcommands.Add(Show(globals));
        Subcommands.Add(Clear(globals));
        Subcommands.Add(Delete(globals));
    }

    private static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The dataset's id: letters, digits, '-', '_', '.', at most 64" };
        var name = new Option<string?>("--name") { Description = "Its display name [default: the id]" };
        var description = new Option<string?>("--description") { Description = "What it holds" };
        var command = new Command("create", Help.WithExample("Create a dataset (admin).", "intake datasets create shop --name \"Shop catalog\""))
        {
            id, name, description,
        };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var dataset = await client.Datasets.CreateAsync(result.GetValue(id), result.GetValue(name),
                result.GetValue(description), cancellationToken);
            WriteDataset(context, dataset);
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", Help.WithExample("List every dataset, by id.", "intake datasets list --json"));
        CommandAction.Set(command, globals, async (_, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var datasets = new List<Dataset>();
            await foreach (var dataset in client.Datasets.List().WithCancellation(cancellationToken))
            {
                datasets.Add(dataset);
            }

            if (context.Json)
            {
                context.WriteJson(datasets);
                return ExitCode.Ok;
            }

            var table = Tables.Create("id", "name", "description", "created");
            foreach (var dataset in datasets)
            {
                Tables.AddRow(table, dataset.Id, dataset.Name, dataset.Description, dataset.CreatedAt);
            }

            context.Out.Write(table);
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The dataset's id" };
        var command = new Command("show", Help.WithExample("Show a dataset with its record counts.", "intake datasets show shop")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            WriteDataset(context, await client.Datasets.GetAsync(result.GetValue(id)!, cancellationToken));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Clear(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The dataset's id" };
        var command = new Command("clear", Help.WithExample(
            "Remove every record and attribute type of a dataset, keeping the dataset (admin): queues a clear_data job.",
            "intake datasets clear shop && intake jobs show <job id>")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            JobsCommand.WriteJob(context, await client.Datasets.ClearAsync(result.GetValue(id)!, cancellationToken));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Delete(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The dataset's id" };
        var command = new Command("delete", Help.WithExample(
            "Delete a dataset and its records (admin): queues a delete_dataset job that runs after every job accepted before it.",
            "intake datasets delete shop")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            JobsCommand.WriteJob(context, await client.Datasets.DeleteAsync(result.GetValue(id)!, cancellationToken));
            return ExitCode.Ok;
        });
        return command;
    }

    private static void WriteDataset(CliContext context, Dataset dataset)
    {
        if (context.Json)
        {
            context.WriteJson(dataset);
            return;
        }

        context.Out.Write(Tables.Details(
        [
            ("id", dataset.Id), ("name", dataset.Name), ("description", dataset.Description), ("created", dataset.CreatedAt),
            ("entities", dataset.Counts?.Entities), ("interactions", dataset.Counts?.Interactions), ("total", dataset.Counts?.Total),
        ]));
    }
}
