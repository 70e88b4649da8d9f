using Spectre.Console;
using System.CommandLine;
using Intake.Client;

namespace Intake.Cli.Commands;

/// <summary><c>intake export</c>: a dataset's current records as NDJSON, CSV or Parquet, streamed to stdout or a file.</summary>
internal sealed class ExportCommand : Command
{
    public ExportCommand(GlobalOptions globals)
        : base("export", Help.WithExample(
            "Stream a dataset's current records, for training: NDJSON, or CSV in the data-batch layout or Parquet (both need --kind).",
            "intake export --dataset shop --kind interaction --since 2024-01-01 -o interactions.ndjson",
            "intake export --dataset shop --kind entity --format csv > entities.csv",
            "intake export --dataset shop --kind interaction --format parquet -o interactions.parquet"))
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "The dataset", Required = true };
        var kind = new Option<string?>("--kind") { Description = "entity or interaction" };
        kind.AcceptOnlyFromAmong("entity", "interaction");
        var type = new Option<string?>("--type") { Description = "An entity or interaction type" };
        var tags = new Option<string[]>("--tags") { Description = "Records whose last import has any of these tags (a,b or repeated)" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Interactions at or after this time (ISO-8601)" };
        var format = new Option<string>("--format") { Description = "ndjson, csv or parquet", DefaultValueFactory = _ => "ndjson" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "ndjson", "csv", "parquet");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of stdout" };
        Options.Add(dataset);
        Options.Add(kind);
        Options.Add(type);
        Options.Add(tags);
        Options.Add(since);
        Options.Add(format);
        Options.Add(output);
        CommandAction.Set(this, globals, async (result, context, cancellationToken) =>
        {
            var fileFormat = Enum.Parse<ExportFormat>(result.GetValue(format)!, ignoreCase: true);
            if (fileFormat != ExportFormat.Ndjson && result.GetValue(kind) is null)
            {
                throw new UsageException($"A {fileFormat.ToString().ToUpperInvariant()} export holds one kind of record: add --kind entity or --kind interaction.");
            }

            using var client = context.CreateClient();
            var options = new ExportOptions
            {
                Kind = result.GetValue(kind), Type = result.GetValue(type), Since = result.GetValue(since), Format = fileFormat,
                Tags = result.GetValue(tags)?.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            };
            await using var records = await client.Datasets.ExportAsync(result.GetValue(dataset)!, options, cancellationToken);
            var file = result.GetValue(output);
            if (file is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await records.CopyToAsync(stdout, cancellationToken);
                return ExitCode.Ok;
            }

            long bytes;
            await using (var target = file.Create())
            {
                await records.CopyToAsync(target, cancellationToken);
                bytes = target.Length;
            }

            if (context.Json)
            {
                context.WriteJson(new { file = file.FullName, bytes });
            }
            else
            {
                context.Error.WriteLine($"wrote {Tables.Bytes(bytes)} to {file.FullName}");
            }

            return ExitCode.Ok;
        });
    }
}
