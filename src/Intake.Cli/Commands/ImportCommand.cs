using System.CommandLine;
using Intake.Client;

namespace Intake.Cli.Commands;

/// <summary>What <c>intake import</c> was asked to do.</summary>
internal sealed record ImportSettings(IReadOnlyList<FileInfo> Files, string Dataset, ImportOptions Options, bool Wait);

/// <summary><c>intake import FILE... --dataset D</c>: upload each file, and with <c>--wait</c> follow each load to its end.</summary>
internal sealed class ImportCommand : Command
{
    public readonly Argument<FileInfo[]> Files = new("file") { Description = "CSV, JSON or NDJSON files, gzip-compressed or not, or Parquet files", Arity = ArgumentArity.OneOrMore };
    public readonly Option<string> Dataset = new("--dataset", "-d") { Description = "The dataset to load into", Required = true };
    public readonly Option<string?> RecordType = new("--record-type") { Description = "auto (the header or first record decides), or a record type name [default: auto]" };
    public readonly Option<string?> Mode = new("--mode") { Description = "upsert (a repeated key overwrites), insert (an existing key is rejected) or replace (a full sync of the record type) [default: upsert]" };
    public readonly Option<string[]> Tags = new("--tags") { Description = "Tags of the import (a,b or repeated) [default: default]" };
    public readonly Option<string?> Format = new("--format") { Description = "csv, json, ndjson or parquet [default: from the file name, then the content]" };
    public readonly Option<string?> Delimiter = new("--delimiter") { Description = "The CSV delimiter: one character, or tab [default: ,]" };
    public readonly Option<string?> TimestampUnit = new("--timestamp-unit") { Description = "How integer event times are read: seconds, milliseconds, microseconds or nanoseconds [default: each by its magnitude]" };
    public readonly Option<long?> MaxErrors = new("--max-errors") { Description = "Fail the import, writing nothing, when more records than this are rejected" };
    public readonly Option<double?> MaxErrorRatio = new("--max-error-ratio") { Description = "Fail the import, writing nothing, when more than this share of the records (0 to 1) is rejected" };
    public readonly Option<bool> Wait = new("--wait", "-w") { Description = "Follow each load to its end; the exit status then tells how the imports ended" };
    public readonly Option<bool> Plan = new("--plan") { Description = "Plan instead of load: check the whole file in --mode, write nothing, and show what it would change (intake apply then applies it)" };

    public ImportCommand(GlobalOptions globals)
        : base("import", Help.WithExample(
            "Upload files into a dataset, each as one import, with a progress bar for the upload and, with --wait, for the load. " +
            "Exit status with --wait: 0 every import completed, 1 some completed with rejected records, 2 one failed or was canceled, " +
            "3 usage, 4 connection, key or server error, 130 interrupted.",
            "intake import products.csv --dataset shop --tags product-data --wait",
            "intake import day1.ndjson.gz day2.ndjson.gz -d crm --record-type customer_record --wait --json",
            "intake import catalog.csv -d shop --mode replace --plan --wait"))
    {
        Mode.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "upsert", "insert", "replace");
        Format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "csv", "json", "ndjson", "parquet");
        MaxErrors.Validators.Add(option =>
        {
            if (option.GetValue(MaxErrors) is < 0)
            {
                option.AddError("--max-errors must be 0 or more.");
            }
        });
        MaxErrorRatio.Validators.Add(option =>
        {
            if (option.GetValue(MaxErrorRatio) is { } ratio && !(ratio is >= 0 and <= 1))
            {
                option.AddError("--max-error-ratio must be from 0 to 1 (0.05 allows 5% of the records to be rejected).");
            }
        });
        TimestampUnit.AcceptOnlyFromAmong([.. Enum.GetValues<Core.Records.TimestampUnit>().Select(Core.Records.TimestampUnitNames.ToWire)]);
        Arguments.Add(Files);
        Options.Add(Dataset);
        Options.Add(RecordType);
        Options.Add(Mode);
        Options.Add(Tags);
        Options.Add(Format);
        Options.Add(Delimiter);
        Options.Add(TimestampUnit);
        Options.Add(MaxErrors);
        Options.Add(MaxErrorRatio);
        Options.Add(Wait);
        Options.Add(Plan);
        CommandAction.Set(this, globals, (result, context, cancellationToken) => new ImportRunner(context).RunAsync(Bind(result), cancellationToken));
    }

    private ImportSettings Bind(ParseResult result)
    {
        var files = result.GetValue(Files)!;
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                throw new UsageException($"File '{file.FullName}' does not exist.");
            }
        }

        var tags = result.GetValue(Tags)?.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        return new ImportSettings(files, result.GetValue(Dataset)!, new ImportOptions
        {
            RecordType = result.GetValue(RecordType),
            Mode = result.GetValue(Mode)?.ToLowerInvariant(),
            Tags = tags is { Count: > 0 } ? tags : null,
            Format = result.GetValue(Format)?.ToLowerInvariant(),
            Delimiter = result.GetValue(Delimiter),
            TimestampUnit = result.GetValue(TimestampUnit),
            MaxErrors = result.GetValue(MaxErrors),
            MaxErrorRatio = result.GetValue(MaxErrorRatio),
            Plan = result.GetValue(Plan),
        }, result.GetValue(Wait));
    }
}
