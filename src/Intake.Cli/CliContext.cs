using System.CommandLine;
using Intake.Client;
using Spectre.Console;

namespace Intake.Cli;

/// <summary>
/// What a command runs with: the connection settings, whether to write JSON, stdout for results and stderr for
/// progress and errors (each a Spectre console that knows whether it is a terminal).
/// </summary>
internal sealed class CliContext(string url, string? apiKey, bool json, IAnsiConsole output, IAnsiConsole error, TimeProvider time)
{
    public string Url => url;

    public bool Json => json;

    /// <summary>Results: tables, or JSON with <c>--json</c>.</summary>
    public IAnsiConsole Out => output;

    /// <summary>Progress and error lines.</summary>
    public IAnsiConsole Error => error;

    public TimeProvider Time => time;

    public static CliContext From(ParseResult result, GlobalOptions options)
    {
        var url = result.GetValue(options.Url) ?? Environment.GetEnvironmentVariable("INTAKE_URL") ?? GlobalOptions.DefaultUrl;
        var key = result.GetValue(options.ApiKey) ?? Environment.GetEnvironmentVariable("INTAKE_API_KEY");
        var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (!output.Profile.Capabilities.Interactive)
        {
            // Redirected to a file or a pipe: no terminal width to fit, so rows stay whole for grep and diff.
            output.Profile.Width = 400;
        }

        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return new CliContext(url, string.IsNullOrWhiteSpace(key) ? null : key.Trim(), result.GetValue(options.Json), output, error, TimeProvider.System);
    }

    public IntakeClient CreateClient()
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url '{url}' is not an http or https URL.");
        }

        return new IntakeClient(endpoint, apiKey is null ? null : new IntakeKeyCredential(apiKey));
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON on stdout.</summary>
    public void WriteJson(object value) => JsonOutput.Write(Console.Out, value);
}
