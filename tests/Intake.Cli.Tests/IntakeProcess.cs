using System.Diagnostics;
using System.Text;

namespace Intake.Cli.Tests;

/// <summary>What one run of the <c>intake</c> executable left: its exit status and everything it wrote.</summary>
public sealed record IntakeRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>intake</c> tool (<c>intake.dll</c> beside the tests) as a separate process, output redirected.</summary>
public static class IntakeProcess
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(3);

    public static async Task<IntakeRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "intake.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tests' own environment must not leak a server or key into a run that does not name one.
        start.Environment.Remove("INTAKE_URL");
        start.Environment.Remove("INTAKE_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(s_limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"intake {string.Join(' ', args)} did not end within {s_limit}:\n{await stdout}\n{await stderr}");
        }

        return new IntakeRun(process.ExitCode, await stdout, await stderr);
    }

    public static Task<IntakeRun> RunAsync(params string[] args) => RunAsync(args, null);
}

/// <summary>A temporary directory for a test's files, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "intake-cli-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return path;
    }

    public string File(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle; the temp directory is cleaned by the OS eventually.
        }
    }
}
