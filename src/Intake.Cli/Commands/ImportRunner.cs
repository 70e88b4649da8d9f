using Intake.Client;
using Spectre.Console;

namespace Intake.Cli.Commands;

/// <summary>
/// Runs an import command: one file after the other, upload then (with <c>--wait</c>) load, each stage a task of
/// one <see cref="ProgressView"/> on stderr (live bars on a terminal, plain lines otherwise). Ends with the counts and the first errors on stdout (or JSON with <c>--json</c>).
/// </summary>
internal sealed class ImportRunner(CliContext context)
{
    private const int ErrorsShownPerImport = 10;

    public async Task<ExitCode> RunAsync(ImportSettings settings, CancellationToken cancellationToken)
    {
        using var client = context.CreateClient();
        var outcomes = new List<(FileInfo File, Import Import)>();
        string? following = null;
        try
        {
            await ProgressView.RunAsync(context, async view =>
            {
                foreach (var file in settings.Files)
                {
                    var operation = await UploadAsync(client, view, file, settings, cancellationToken);
                    following = operation.Id;
                    var import = settings.Wait ? await FollowAsync(view, file.Name, file.Length, operation, cancellationToken) : operation.Value!;
                    following = null;
                    outcomes.Add((file, import));
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && following is not null)
        {
            context.Error.Profile.Out.Writer.WriteLine(
                $"stopped following import {following}; it goes on on the server (intake jobs cancel, or intake jobs show, with its job ids)");
            throw;
        }

        return Conclude(outcomes, settings.Wait);
    }

    /// <summary><c>intake apply</c>: applies a plan and, when asked, follows the import that applies it.</summary>
    public async Task<ExitCode> ApplyAsync(string planId, bool wait, CancellationToken cancellationToken)
    {
        using var client = context.CreateClient();
        var operation = await client.Imports.ApplyAsync(planId, cancellationToken);
        var import = operation.Value!;
        var file = new FileInfo(import.FileName ?? $"plan-{planId}");
        if (wait)
        {
            await ProgressView.RunAsync(context, async view =>
                import = await FollowAsync(view, file.Name, import.Progress.BytesTotal ?? 0, operation, cancellationToken));
        }

        return Conclude([(file, import)], wait);
    }

    private ExitCode Conclude(List<(FileInfo File, Import Import)> outcomes, bool waited)
    {
        WriteOutcomes(outcomes, waited);
        if (!waited)
        {
            return ExitCode.Ok;
        }

        // A plan ends planned: like completed, with its rejections counted the same way.
        return outcomes.Any(o => o.Import.Status == ImportStatus.Failed || o.Import.Status == ImportStatus.Canceled) ? ExitCode.ImportFailed
            : outcomes.Any(o => o.Import.Status == ImportStatus.CompletedWithErrors || (o.Import.Status == ImportStatus.Planned && o.Import.Progress.RecordsRejected > 0))
                ? ExitCode.Rejected
            : ExitCode.Ok;
    }

    private static async Task<ImportOperation> UploadAsync(IntakeClient client, ProgressView view, FileInfo file, ImportSettings settings,
        CancellationToken cancellationToken)
    {
        var description = $"upload {file.Name} ({Tables.Bytes(file.Length)})";
        var stage = view.AddStage(description, file.Length);
        var options = settings.Options with { UploadProgress = new SyncProgress<long>(sent => stage.Update(sent, file.Length, description)) };
        var operation = await client.Imports.StartImportAsync(settings.Dataset, file.FullName, options, cancellationToken);
        stage.Finish($"upload {file.Name}: {Tables.Bytes(file.Length)} sent, import {operation.Id}");
        return operation;
    }

    private static async Task<Import> FollowAsync(ProgressView view, string name, long size, ImportOperation operation, CancellationToken cancellationToken)
    {
        var stage = view.AddStage($"load {name}: queued", size);
        var report = new SyncProgress<ImportProgress>(snapshot =>
        {
            var counts = snapshot.Counts;
            var rate = snapshot.RecordsPerSecond is { } perSecond ? $", {perSecond:N0} records/s" : "";
            stage.Update(counts.BytesRead, counts.BytesTotal ?? size, $"load {name}: {Describe(snapshot.Import)}{rate}");
        });

        Import import;
        try
        {
            import = (await operation.WaitForCompletionAsync(report, cancellationToken)).Import;
        }
        catch (ImportFailedException failed)
        {
            import = failed.Import;
        }

        stage.Finish($"load {name}: {Describe(import)}");
        return import;
    }

    private static string Describe(Import import)
    {
        var counts = import.Progress;
        return $"{import.Status}, {counts.RecordsRead:N0} read, {counts.RecordsWritten:N0} written, {counts.RecordsRejected:N0} rejected" +
            (import.Mode == "replace" && !import.Plan ? $", {counts.RecordsDeleted:N0} deleted" : "");
    }

    private void WriteOutcomes(List<(FileInfo File, Import Import)> outcomes, bool waited)
    {
        if (context.Json)
        {
            context.WriteJson(outcomes.Select(o => o.Import).ToList());
            return;
        }

        // A replace's deletions get a column of their own; other modes delete nothing, so theirs is left out.
        var replacing = outcomes.Any(o => o.Import.Mode == "replace" && !o.Import.Plan);
        var table = replacing
            ? Tables.Create("file", "import", "status", "read", "written", "rejected", "deleted", "error")
            : Tables.Create("file", "import", "status", "read", "written", "rejected", "error");
        foreach (var (file, import) in outcomes)
        {
            var counts = import.Progress;
            object?[] figures = waited ? [counts.RecordsRead, counts.RecordsWritten, counts.RecordsRejected] : [null, null, null];
            object?[] deleted = replacing ? [waited ? counts.RecordsDeleted : null] : [];
            Tables.AddRow(table, [file.Name, import.Id, import.Status, .. figures, .. deleted, import.Error is { } error ? $"{error.Code}: {error.Message}" : null]);
        }

        context.Out.Write(table);
        WritePlans(outcomes);
        var errors = outcomes.SelectMany(o => (o.Import.Errors ?? []).Take(ErrorsShownPerImport).Select(e => (o.File, Error: e))).ToList();
        if (errors.Count == 0)
        {
            return;
        }

        context.Out.WriteLine($"First rejected records (every one: intake jobs errors <import id>):");
        var rejected = Tables.Create("file", "line", "error id", "code", "field", "message");
        foreach (var (file, error) in errors)
        {
            Tables.AddRow(rejected, file.Name, error.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ErrorId, error.Code, error.Field, error.Message);
        }

        context.Out.Write(rejected);
    }

    /// <summary>What each finished plan would do, with its sample updates, and how to apply it.</summary>
    private void WritePlans(List<(FileInfo File, Import Import)> outcomes)
    {
        var plans = outcomes.Where(o => o.Import.Planned is not null).ToList();
        if (plans.Count == 0)
        {
            return;
        }

        var table = Tables.Create("file", "plan", "mode", "insert", "update", "unchanged", "delete", "rejected");
        foreach (var (file, import) in plans)
        {
            var planned = import.Planned!;
            Tables.AddRow(table, file.Name, import.Id, import.Mode, planned.Insert, planned.Update, planned.Unchanged, planned.Delete, planned.Rejected);
        }

        context.Out.Write(table);
        foreach (var (file, import) in plans)
        {
            foreach (var update in import.Planned!.Samples.Update)
            {
                context.Out.WriteLine($"{file.Name}: update {update.Before.GetRawText()} -> {update.After.GetRawText()}", Style.Plain);
            }

            context.Out.WriteLine($"apply with: intake apply {import.Id} --wait", Style.Plain);
        }
    }

    /// <summary>Reports on the caller's thread, in order; <see cref="Progress{T}"/> would post to the thread pool and reorder.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
