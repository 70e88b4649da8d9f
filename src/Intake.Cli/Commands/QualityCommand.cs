using System.CommandLine;
using System.Globalization;
using Intake.Client;
using Spectre.Console;

namespace Intake.Cli.Commands;

/// <summary><c>intake quality IMPORT</c> or <c>intake quality --dataset ID</c>: the data-quality figures of a load (beside the previous load's) or of a dataset.</summary>
internal sealed class QualityCommand : Command
{
    public readonly Argument<string?> Import = new("import") { Description = "The id of a finished import", Arity = ArgumentArity.ZeroOrOne };
    public readonly Option<string?> Dataset = new("--dataset", "-d") { Description = "Compute the figures of this dataset's current records instead" };

    public QualityCommand(GlobalOptions globals)
        : base("quality", Help.WithExample(
            "Show the data-quality figures of a finished load (orphan interactions, users and items by activity, cold entities, duplicates, " +
            "times, attributes), with the previous load's beside them and the warnings of the dataset's thresholds; or, with --dataset, " +
            "of a dataset's current records, computed now.",
            "intake quality 0193e0c2-5b1e-7000-8000-000000000000", "intake quality --dataset shop --json"))
    {
        Arguments.Add(Import);
        Options.Add(Dataset);
        Validators.Add(result =>
        {
            if ((result.GetValue(Import) is null) == (result.GetValue(Dataset) is null))
            {
                result.AddError("Give either an import id or --dataset.");
            }
        });
        CommandAction.Set(this, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            if (result.GetValue(Dataset) is { } dataset)
            {
                var quality = await client.Datasets.GetQualityAsync(dataset, cancellationToken);
                if (context.Json)
                {
                    context.WriteJson(quality);
                }
                else
                {
                    context.Out.Write(Tables.Details(Rows(quality.Report, null)));
                }

                return ExitCode.Ok;
            }

            var load = await client.Imports.GetQualityAsync(result.GetValue(Import)!, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(load);
                return ExitCode.Ok;
            }

            if (load.Report is null)
            {
                context.Out.WriteLine($"Import {load.ImportId} is {load.Status.ToString().ToLowerInvariant()}: it has no quality figures (only a finished load has).");
                return ExitCode.Ok;
            }

            context.Out.Write(Tables.Details(Rows(load.Report, load.Previous?.Report)));
            foreach (var warning in load.Warnings)
            {
                context.Out.WriteLine($"warning {warning.Code}: {warning.Message}");
            }

            return ExitCode.Ok;
        });
    }

    /// <summary>The main figures, each followed by the previous load's in brackets when there is one.</summary>
    private static IEnumerable<(string Name, object? Value)> Rows(QualityReport report, QualityReport? previous)
    {
        static string Share(double? share) => share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "";
        string With(Func<QualityReport, object?> figure) =>
            Tables.Format(figure(report)) + (previous is null ? "" : $"  (previous: {Tables.Format(figure(previous))})");

        yield return ("records", With(r => r.Records));
        if (report.Duplicates is not null)
        {
            yield return ("duplicates", With(r => r.Duplicates));
        }

        if (report.Interactions is not null)
        {
            yield return ("interactions", With(r => r.Interactions?.Count));
            yield return ("orphans", With(r => r.Interactions?.Orphans is { } o ? $"{Tables.Format(o)} ({Share(r.Interactions.OrphanShare)})" : null));
            yield return ("users with 1+/2+/5+", With(r => r.Interactions?.Sources is { } a ? $"{a.OneOrMore:N0} / {a.TwoOrMore:N0} / {a.FiveOrMore:N0}" : null));
            yield return ("items with 1+/2+/5+", With(r => r.Interactions?.Targets is { } a ? $"{a.OneOrMore:N0} / {a.TwoOrMore:N0} / {a.FiveOrMore:N0}" : null));
            yield return ("first event", With(r => r.Interactions?.Timestamps.Min));
            yield return ("last event", With(r => r.Interactions?.Timestamps.Max));
            yield return ("in the future", With(r => r.Interactions?.Timestamps.Future));
            yield return ("before the floor", With(r => r.Interactions?.Timestamps.BeforeFloor));
        }

        if (report.Entities is not null)
        {
            yield return ("entities", With(r => r.Entities?.Count));
            yield return ("cold entities", With(r => r.Entities?.Cold is { } c ? $"{Tables.Format(c)} ({Share(r.Entities.ColdShare)})" : null));
        }

        foreach (var attribute in report.Attributes)
        {
            yield return ($"{attribute.Kind} attribute {attribute.Name}",
                $"{attribute.Type}, filled {Share(attribute.FillRate)}, ~{attribute.DistinctValues:N0} distinct values");
        }
    }
}
