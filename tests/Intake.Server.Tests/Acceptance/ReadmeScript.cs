using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Intake.Server.Tests.Acceptance;

/// <summary>
/// The README's walkthrough as a reader runs it: the <c>sh</c> blocks of its "Quick start" and "Compatibility APIs"
/// sections, command by command, in bash with the real curl, in one working directory. Only the hosts change (the
/// server's and the file server's port); a placeholder such as <c>&lt;import id&gt;</c> is filled from the answer that
/// gave it, as the reader would copy it; <c>dotnet</c> lines (starting the server) are skipped, since the server is
/// running, and a <c>duckdb</c> line runs on DuckDB in process (<see cref="DuckDbAsync"/>). Each curl answer is
/// kept with its HTTP status (curl writes it through a <c>.curlrc</c>, so the commands stay as printed), with the
/// <c># =&gt;</c> lines that follow it in the README.
/// </summary>
internal sealed partial class ReadmeScript
{
    private static readonly string[] s_sections = ["## Quick start", "## Compatibility APIs"];

    private ReadmeScript(IReadOnlyList<Step> steps) => Steps = steps;

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>One command of the README and the <c># =&gt;</c> lines printed under it (null when there are none).</summary>
    public sealed record Step(string Command, string? Expected);

    /// <summary>What a command answered: its body and HTTP status (0 for a command that is not curl).</summary>
    public sealed record Answer(Step Step, string Command, string Body, int Status);

    public static ReadmeScript Load()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Intake.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository root (Intake.slnx) is not above the tests.");
        }

        var steps = new List<Step>();
        foreach (var block in Blocks(File.ReadAllLines(Path.Combine(root, "README.md"))))
        {
            steps.AddRange(Commands(block));
        }

        return new ReadmeScript(steps);
    }

    /// <summary>
    /// Runs every step in <paramref name="directory"/> against <paramref name="server"/>; the file server the README
    /// starts in the background is left to <paramref name="background"/>, given the command with its port changed.
    /// A status check that the README polls ("until its status is final") is repeated until the status is final.
    /// </summary>
    public async Task<IReadOnlyList<Answer>> RunAsync(string directory, Uri server, int filePort, Func<string, Task> background)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, ".curlrc"), "write-out = \"\\n%{http_code}\"\n");
        var answers = new List<Answer>();
        var variables = new List<string>();
        foreach (var step in Steps)
        {
            var command = Fill(step.Command, answers)
                .Replace("http://127.0.0.1:5080", server.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace("127.0.0.1:8000", $"127.0.0.1:{filePort}", StringComparison.Ordinal);
            if (command.TrimEnd().EndsWith('&'))
            {
                await background(command.TrimEnd().TrimEnd('&').Replace(" 8000 ", $" {filePort} ", StringComparison.Ordinal));
                continue;
            }

            if (AssignmentPattern().IsMatch(command))
            {
                variables.Add(command);
                continue;
            }

            var answer = await RunAsync(step, string.Join('\n', variables.Append(command)), directory);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Polls(answer) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                answer = await RunAsync(step, answer.Command, directory);
            }

            answers.Add(answer);
        }

        return answers;
    }

    /// <summary>The <c>"name": literal</c> pairs of an expectation (values with placeholders or ellipses are left out).</summary>
    public static IReadOnlyList<string> ExpectedPairs(string expected) =>
        PairPattern().Matches(expected).Select(m => $"\"{m.Groups["name"].Value}\":{m.Groups["value"].Value.Replace(", ", ",", StringComparison.Ordinal)}").ToList();

    /// <summary>The HTTP status printed at the start of an expectation (<c>202 {…}</c>), if any.</summary>
    public static int? ExpectedStatus(string expected) =>
        StatusPattern().Match(expected) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static bool Polls(Answer answer) =>
        answer.Step.Expected is { } expected && FinalStatus().IsMatch(expected) &&
        TryParse(answer.Body) is { } json && (string?)json["status"] is "queued" or "processing" or "uploading";

    private static async Task<Answer> RunAsync(Step step, string command, string directory)
    {
        if (DuckDbPattern().Match(step.Command) is { Success: true } duckdb)
        {
            return new Answer(step, command, await DuckDbAsync(duckdb.Groups["sql"].Value, directory), 0);
        }

        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["CURL_HOME"] = directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The README command failed ({process.ExitCode}):\n{command}\n{await error}");
        }

        if (!command.Contains("curl ", StringComparison.Ordinal))
        {
            return new Answer(step, command, text, 0);
        }

        var newline = text.LastIndexOf('\n');
        return new Answer(step, command, text[..Math.Max(newline, 0)], int.Parse(text[(newline + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A <c>duckdb -c "…"</c> line runs its query on DuckDB in this process (DuckDB.NET, the engine of DuckDB's
    /// command line, which CI does not install), with relative file names found in the walkthrough's directory.
    /// Returns the rows, one a line; a query that reads no row fails, since the README reads a file it just wrote.
    /// </summary>
    private static async Task<string> DuckDbAsync(string sql, string directory)
    {
        await using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using (var search = connection.CreateCommand())
        {
            search.CommandText = $"SET file_search_path = '{directory.Replace("'", "''", StringComparison.Ordinal)}';";
            await search.ExecuteNonQueryAsync();
        }

        await using var query = connection.CreateCommand();
        if (sql.StartsWith("COPY ", StringComparison.Ordinal))
        {
            // A COPY writes a file for a later step; DuckDB resolves its relative name against the process's directory.
            query.CommandText = CopyTargetPattern().Replace(sql, match => $"TO '{Path.Combine(directory, match.Groups["file"].Value).Replace("'", "''", StringComparison.Ordinal)}'");
            await query.ExecuteNonQueryAsync();
            var written = CopyTargetPattern().Match(sql).Groups["file"].Value;
            return File.Exists(Path.Combine(directory, written)) ? $"wrote {written}" : throw new InvalidOperationException($"The README's DuckDB COPY wrote no file:\n{sql}");
        }

        query.CommandText = sql;
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('\t', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows.Count > 0 ? string.Join('\n', rows) : throw new InvalidOperationException($"The README's DuckDB query read no row:\n{sql}");
    }

    /// <summary>The placeholders a reader fills from earlier answers.</summary>
    private static string Fill(string command, IReadOnlyList<Answer> answers)
    {
        string Last(string field, Func<JsonObject, bool>? where = null) =>
            answers.Select(a => TryParse(a.Body)).OfType<JsonObject>().LastOrDefault(j => j[field] is JsonValue && (where is null || where(j)))?[field]?.ToString()
            ?? throw new InvalidOperationException($"No earlier answer of the README gave a {field} for: {command}");

        return PlaceholderPattern().Replace(command, match => match.Value switch
        {
            "<import id>" => Last("id", j => j["jobs"] is not null),
            "<batch_id>" => Last("batch_id"),
            "<requestId>" => Last("requestId"),
            "<url>" => Last("url"),
            "<token>" => "readme-token",
            _ => match.Value,
        });
    }

    public static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<List<string>> Blocks(string[] lines)
    {
        var inSection = false;
        List<string>? block = null;
        foreach (var line in lines)
        {
            if (block is not null)
            {
                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    yield return block;
                    block = null;
                }
                else
                {
                    block.Add(line);
                }

                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = s_sections.Any(s => line.StartsWith(s, StringComparison.Ordinal));
            }
            else if (inSection && line == "```sh")
            {
                block = [];
            }
        }
    }

    private static IEnumerable<Step> Commands(List<string> block)
    {
        var steps = new List<Step>();
        for (var i = 0; i < block.Count; i++)
        {
            var line = block[i];
            if (line.StartsWith("# =>", StringComparison.Ordinal))
            {
                var expected = line[4..].Trim();
                while (i + 1 < block.Count && block[i + 1].StartsWith("#  ", StringComparison.Ordinal))
                {
                    expected += " " + block[++i][1..].Trim();
                }

                steps[^1] = steps[^1] with { Expected = expected };
                continue;
            }

            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#') || line.StartsWith("dotnet ", StringComparison.Ordinal))
            {
                continue;
            }

            var command = line;
            if (line.Contains("<<'EOF'", StringComparison.Ordinal))
            {
                while (block[++i] != "EOF")
                {
                    command += "\n" + block[i];
                }

                command += "\nEOF";
            }

            while (command.EndsWith('\\'))
            {
                command += "\n" + block[++i];
            }

            steps.Add(new Step(command, null));
        }

        return steps;
    }

    [GeneratedRegex("\"(?<name>[A-Za-z_]+)\":\\s*(?<value>\"[^\"<…]*\"|-?\\d+(?:\\.\\d+)?|true|false|null|\\[[^\\[\\]<…{]*\\])")]
    private static partial Regex PairPattern();

    [GeneratedRegex("^(\\d{3}) ")]
    private static partial Regex StatusPattern();

    [GeneratedRegex("\"status\":\"(completed|completed_with_errors|failed|error|canceled|planned)\"")]
    private static partial Regex FinalStatus();

    [GeneratedRegex("<[a-zA-Z_ ]+>")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"TO '(?<file>[^'/]+)'")]
    private static partial Regex CopyTargetPattern();

    [GeneratedRegex("^duckdb -c \"(?<sql>[^\"]*)\"$")]
    private static partial Regex DuckDbPattern();

    [GeneratedRegex("^[A-Z_]+=[^ ]+$")]
    private static partial Regex AssignmentPattern();
}
