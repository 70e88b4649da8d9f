using System.Globalization;
using Spectre.Console;

namespace Intake.Cli;

/// <summary>One stage shown while it runs (an upload, a load): a byte count of a total and a one-line description.</summary>
internal interface IProgressStage
{
    void Update(long value, long total, string description);

    void Finish(string description);
}

/// <summary>
/// Progress on stderr. On an interactive ANSI terminal (as Spectre detects it) a live display with a bar, bytes,
/// rate and time left per stage; otherwise plain lines: a stage's start, at most one line a second while it
/// moves, and its end, so a log or CI output stays readable.
/// </summary>
internal abstract class ProgressView
{
    public static async Task RunAsync(CliContext context, Func<ProgressView, Task> body)
    {
        var capabilities = context.Error.Profile.Capabilities;
        if (capabilities.Interactive && capabilities.Ansi)
        {
            await context.Error.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(progress => body(new Live(progress)));
            return;
        }

        await body(new Plain(context.Error.Profile.Out.Writer, context.Time));
    }

    public abstract IProgressStage AddStage(string description, long total);

    private sealed class Live(ProgressContext progress) : ProgressView
    {
        public override IProgressStage AddStage(string description, long total) =>
            new Stage(progress.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total)));

        private sealed class Stage(ProgressTask task) : IProgressStage
        {
            public void Update(long value, long total, string description)
            {
                task.MaxValue = Math.Max(1, total);
                task.Value = Math.Min(value, task.MaxValue);
                task.Description = Markup.Escape(description);
            }

            public void Finish(string description)
            {
                task.Value = task.MaxValue;
                task.Description = Markup.Escape(description);
                task.StopTask();
            }
        }
    }

    private sealed class Plain(TextWriter writer, TimeProvider time) : ProgressView
    {
        private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

        public override IProgressStage AddStage(string description, long total)
        {
            writer.WriteLine(description);
            return new Stage(writer, time);
        }

        private sealed class Stage(TextWriter writer, TimeProvider time) : IProgressStage
        {
            private readonly long _started = time.GetTimestamp();
            private long _lastLine = time.GetTimestamp();
            private string? _lastText;

            public void Update(long value, long total, string description)
            {
                if (time.GetElapsedTime(_lastLine) < s_interval)
                {
                    return;
                }

                var seconds = time.GetElapsedTime(_started).TotalSeconds;
                var percent = total > 0 ? Math.Min(100.0, 100.0 * value / total) : 0;
                var text = string.Create(CultureInfo.InvariantCulture,
                    $"{description} | {Tables.Bytes(value)} of {Tables.Bytes(total)} ({percent:0}%), {Tables.Bytes(seconds > 0 ? value / seconds : 0)}/s");
                if (text != _lastText)
                {
                    writer.WriteLine(text);
                    _lastText = text;
                    _lastLine = time.GetTimestamp();
                }
            }

            public void Finish(string description)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{description} ({time.GetElapsedTime(_started).TotalSeconds:0.0} s)"));
            }
        }
    }
}
