using System.CommandLine;
using System.IO.Compression;
using Intake.Cli.Offline;
using Intake.Core.Jobs;
using Intake.Core.Schemas;
using Spectre.Console;

namespace Intake.Cli.Commands;

/// <summary><c>intake convert</c>: CSV with dotted headers to NDJSON (or NDJSON.gz), offline and streaming.</summary>
internal sealed class ConvertCommand : Command
{
    private const int ErrorsInJson = 1000;

    public ConvertCommand(GlobalOptions globals)
        : base("convert", Help.WithExample(
            "Convert a CSV file with dotted headers to NDJSON, offline: link.email and link.system_name become one link object wherever " +
            "the columns stand, products.0.sku an array element; empty cells are left out. Without --record-type every value stays a string; " +
            "with it, values take the schema's types. Columns that collide (link and link.email) stop the conversion, naming both; a bad row is " +
            "reported (line, column, reason) and skipped. Exit status: 0 every row converted, 1 some rows refused, 2 the file cannot be converted, 3 usage.",
            "intake convert purchases.csv -o purchases.ndjson.gz --record-type purchase --gzip",
            "intake convert export.csv --delimiter ';' > customers.ndjson"))
    {
        var input = new Argument<FileInfo>("input") { Description = "The CSV file (UTF-8, or UTF-16 with a BOM)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write [default: stdout]; a name ending in .gz is compressed" };
        var recordType = new Option<string?>("--record-type") { Description = "Type values by this record type's schema (a CDP type, or one given with --definition)" };
        var gzip = new Option<bool>("--gzip") { Description = "Compress the output with gzip (NDJSON.gz)" };
        var shared = new OfflineOptions("Also write every refused row as NDJSON {line, column, message} to this file");
        Arguments.Add(input);
        Options.Add(output);
        Options.Add(recordType);
        Options.Add(gzip);
        shared.AddTo(this);
        CommandAction.Set(this, globals, (result, context, cancellationToken) =>
        {
            var file = result.GetValue(input)!;
            if (!file.Exists)
            {
                throw new UsageException($"File '{file.FullName}' does not exist.");
            }

            var schema = result.GetValue(recordType) is { } name ? RecordTypes.Schema(name, result.GetValue(shared.Definition)) : null;
            var converter = new CsvToNdjson((byte)RecordTypes.Delimiter(result.GetValue(shared.Delimiter)), schema);
            var target = result.GetValue(output);
            var compress = result.GetValue(gzip) || target?.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) == true;
            using var report = new ProblemReport<ConvertProblem>(context, result.GetValue(shared.Errors), ErrorsInJson,
                p => $"line {p.Line}{(p.Column is null ? "" : $", column [{p.Column}]")}: {p.Message}");
            ConvertSummary summary;
            try
            {
                summary = Run(file, target, compress, converter, report, cancellationToken);
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
                    input = file.FullName, output = target?.FullName, rows = summary.Rows, written = summary.Written, rejected = summary.Rejected,
                    errors = report.Kept, errors_truncated = summary.Rejected > report.Kept.Count,
                });
            }
            else
            {
                context.Error.WriteLine($"{summary.Rows:N0} rows: {summary.Written:N0} written, {summary.Rejected:N0} refused");
            }

            return Task.FromResult(summary.Rejected > 0 ? ExitCode.Rejected : ExitCode.Ok);
        });
    }

    /// <summary>Writes to stdout, or to OUTPUT.partial renamed to OUTPUT once complete, so a failed run never leaves a file that looks whole.</summary>
    private static ConvertSummary Run(FileInfo file, FileInfo? target, bool compress, CsvToNdjson converter, ProblemReport<ConvertProblem> report,
        CancellationToken cancellationToken)
    {
        using var source = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (target is null)
        {
            return Write(source, Console.OpenStandardOutput(), compress, converter, report, cancellationToken);
        }

        var partial = target.FullName + ".partial";
        try
        {
            var summary = Write(source, new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), compress, converter, report,
                cancellationToken);
            File.Move(partial, target.FullName, overwrite: true);
            return summary;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>Converts into <paramref name="raw"/>, which is disposed (flushing the gzip trailer) before returning.</summary>
    private static ConvertSummary Write(Stream source, Stream raw, bool compress, CsvToNdjson converter, ProblemReport<ConvertProblem> report,
        CancellationToken cancellationToken)
    {
        using var buffered = new BufferedStream(compress ? new GZipStream(raw, CompressionLevel.Fastest) : raw, 1 << 16);
        return converter.Convert(source, buffered, report.Add, cancellationToken);
    }
}
