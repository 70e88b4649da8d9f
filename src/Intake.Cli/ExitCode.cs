namespace Intake.Cli;

/// <summary>The exit statuses of every command (docs/cli.md), with explicit values because scripts depend on them.</summary>
internal enum ExitCode
{
    Ok = 0,

    /// <summary>Some records were rejected (an import completed with errors; validate or convert found bad rows).</summary>
    Rejected = 1,

    /// <summary>An import failed or was canceled; a file convert could not read at all.</summary>
    ImportFailed = 2,

    /// <summary>The command line was wrong, or a file it names cannot be read.</summary>
    Usage = 3,

    /// <summary>No connection, a refused key, or any other refusal or failure of the server.</summary>
    Service = 4,

    /// <summary>Ctrl+C (SIGINT): 128 + 2, as shells report it.</summary>
    Interrupted = 130,
}

/// <summary>A mistake in how the command was called, found after parsing (a missing file, a bad value): exit status 3.</summary>
internal sealed class UsageException(string message) : Exception(message);
