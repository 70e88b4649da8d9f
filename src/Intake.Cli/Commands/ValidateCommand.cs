using System.CommandLine;
using Intake.Cli.Offline;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Spectre.Console;

namespace Intake.Cli.Commands;

/// <summary><c>intake validate</c>: a file checked offline by the server's own readers and validators.</summary>
internal sealed class ValidateCommand : Command
{
    private const int ErrorsInJson = 1000;

    public ValidateCommand(GlobalOptions globals)
        : base("validate", Help.WithExample(
            "Check a file offline with the server's own readers and validators: every rejected record with the line, error id, code and " +
            "message an import would report, and the counts. As if into an empty dataset: existing keys and attribute types are not checked. " +
            "Exit status: 0 every record valid, 1 some records invalid, 2 the file cannot be read as that type, 3 usage.",
            "intake validate --record-type purchase purchases.ndjson.gz",
            "intake validate --record-type auto products.csv --json"))
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV, JSON or NDJSON, gzip-compressed or not" };
        var recordType = new Option<string>("--record-type") { Description = "The record type, or auto (the header or first record decides)", Required = true };
        var format = new Option<string?>("--format") { Description = "csv, json, ndjson or parquet [default: from the file name, then the content]" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "csv", "json", "ndjson");
        var shared = new OfflineOptions("Also write every rejected record as NDJSON to this file");
        Arguments.Add(file);
        Options.Add(recordType);
        Options.Add(format);
        shared.AddTo(this);
        CommandAction.Set(this, globals, (result, context, cancellationToken) =>
        {
            var input = result.GetValue(file)!;
            if (!input.Exists)
            {
                throw new UsageException($"File '{input.FullName}' does not exist.");
            }

            var request = new NewImport
            {
                DatasetId = "validate",
                RecordType = result.GetValue(recordType)!,
                Format = result.GetValue(format)?.ToLowerInvariant(),
                Delimiter = RecordTypes.Delimiter(result.GetValue(shared.Delimiter)),
                FileName = input.Name,
            };
            var custom = RecordTypes.Custom(request.RecordType, result.GetValue(shared.Definition));
            using var report = new ProblemReport<RecordRejection>(context, result.GetValue(shared.Errors), ErrorsInJson,
                e => $"line {e.Line} [{e.ErrorId}] {e.Code}{(e.Field is null ? "" : $" ({e.Field})")}: {e.Message}");
            ValidationSummary summary;
            try
            {
                summary = FileValidator.Validate(input.OpenRead(), request, RecordTypes.Catalog, custom, new LimitsOptions(), report.Add, cancellationToken);
            }
            catch (IntakeException exception)
            {
                CommandAction.Report(context, exception.Code, exception.Message, null, null);
                return Task.FromResult(ExitCode.ImportFailed);
            }

            report.Complete();
            if (context.Json)
            {
                context.WriteJson(new
                {
                    file = input.FullName, record_type = summary.RecordType, records = summary.Records, valid = summary.Valid, invalid = summary.Invalid,
                    errors = report.Kept, errors_truncated = summary.Invalid > report.Kept.Count,
                });
            }
            else
            {
                context.Error.WriteLine($"{summary.Records:N0} records of type {summary.RecordType}: {summary.Valid:N0} valid, {summary.Invalid:N0} invalid");
            }

            return Task.FromResult(summary.Invalid > 0 ? ExitCode.Rejected : ExitCode.Ok);
        });
    }
}
