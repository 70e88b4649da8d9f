using System.CommandLine;
using Intake.Client;

namespace Intake.Cli.Commands;

/// <summary><c>intake jobs list|show|cancel|errors</c>.</summary>
internal sealed class JobsCommand : Command
{
    public JobsCommand(GlobalOptions globals)
        : base("jobs", "The job log: list and show jobs, cancel an import's job, read an import's rejected records.")
    {
        Subcommands.Add(List(globals));
        Subcommands.Add(Show(globals));
        Subcommands.Add(Cancel(globals));
        Subcommands.Add(Errors(globals));
    }

    public static void WriteJob(CliContext context, Job job)
    {
        if (context.Json)
        {
            context.WriteJson(job);
            return;
        }

        var rows = new List<(string, object?)>
        {
            ("id", job.Id), ("type", job.Type), ("status", job.Status), ("dataset", job.DatasetId), ("import", job.ImportId),
            ("queued", job.QueuedAt), ("started", job.StartedAt), ("finished", job.FinishedAt), ("attempts", job.Attempts),
        };
        rows.AddRange(job.Stats.Select(s => ((string, object?))(s.Key, s.Value.ToString())));
        if (job.Error is { } error)
        {
            rows.Add(("error", $"{error.Code}: {error.Message}"));
        }

        context.Out.Write(Tables.Details(rows));
        if (job.History is { Count: > 0 } history)
        {
            var table = Tables.Create("status", "at", "reason");
            foreach (var transition in history)
            {
                Tables.AddRow(table, transition.Status, transition.At, transition.Reason);
            }

            context.Out.Write(table);
        }
    }

    private static Command List(GlobalOptions globals)
    {
        var dataset = new Option<string?>("--dataset") { Description = "Only this dataset's jobs" };
        var type = new Option<string?>("--type") { Description = "file_upload, dataset_load, clear_data, delete_batch or delete_dataset" };
        var status = new Option<string?>("--status") { Description = "queued, processing, completed, completed_with_errors, failed or canceled" };
        var import = new Option<string?>("--import") { Description = "Only this import's jobs" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first", DefaultValueFactory = _ => 50 };
        var command = new Command("list", Help.WithExample("List jobs, newest first.", "intake jobs list --dataset shop --status failed"))
        {
            dataset, type, status, import, limit,
        };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var filter = new JobFilter
            {
                DatasetId = result.GetValue(dataset), Type = result.GetValue(type), Status = result.GetValue(status), ImportId = result.GetValue(import),
            };
            var max = Math.Max(1, result.GetValue(limit));
            var jobs = new List<Job>();
            await foreach (var job in client.Jobs.List(filter).WithCancellation(cancellationToken))
            {
                jobs.Add(job);
                if (jobs.Count >= max)
                {
                    break;
                }
            }

            if (context.Json)
            {
                context.WriteJson(jobs);
                return ExitCode.Ok;
            }

            var table = Tables.Create("id", "type", "status", "dataset", "queued", "stats");
            foreach (var job in jobs)
            {
                Tables.AddRow(table, job.Id, job.Type, job.Status, job.DatasetId, job.QueuedAt, string.Join(", ", job.Stats.Select(s => $"{s.Key} {s.Value}")));
            }

            context.Out.Write(table);
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("show", Help.WithExample("Show a job with its stats and history.", "intake jobs show <job id>")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            WriteJob(context, await client.Jobs.GetAsync(result.GetValue(id)!, cancellationToken));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Cancel(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The id of a file_upload or dataset_load job" };
        var command = new Command("cancel", Help.WithExample(
            "Cancel the import a job belongs to; nothing it would have written stays. Only an import's jobs can be canceled.",
            "intake jobs cancel <job id>")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            WriteJob(context, await client.Jobs.CancelAsync(result.GetValue(id)!, cancellationToken));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Errors(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "A job's id, or an import's id" };
        var command = new Command("errors", Help.WithExample(
            "Every rejected record of an import, in line order (with --json, one JSON object per line).",
            "intake jobs errors <job or import id> --json > errors.ndjson")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var importId = await ImportIdOfAsync(client, result.GetValue(id)!, cancellationToken);
            await foreach (var error in client.Imports.GetErrorsAsync(importId, cancellationToken))
            {
                if (context.Json)
                {
                    Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(error, JsonOutput.Compact));
                }
                else
                {
                    Console.Out.WriteLine($"line {error.Line}\t{error.ErrorId}\t{error.Code}\t{error.Field}\t{error.Message}");
                }
            }

            return ExitCode.Ok;
        });
        return command;
    }

    private static async Task<string> ImportIdOfAsync(IntakeClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            var job = await client.Jobs.GetAsync(id, cancellationToken);
            return job.ImportId ?? throw new UsageException($"Job {job.Id} is a {job.Type} job; only an import's jobs have rejected records.");
        }
        catch (IntakeRequestException exception) when (exception.Code == IntakeErrorCode.JobNotFound)
        {
            return id;
        }
    }
}
