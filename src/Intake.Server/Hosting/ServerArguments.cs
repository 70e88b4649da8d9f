namespace Intake.Server.Hosting;

/// <summary>The server runs as <c>intake serve [options]</c>; the verb is optional and dropped before the host reads its arguments.</summary>
internal static class ServerArguments
{
    public static string[] WithoutVerb(string[] args) =>
        args.Length > 0 && string.Equals(args[0], "serve", StringComparison.OrdinalIgnoreCase) ? args[1..] : args;
}
