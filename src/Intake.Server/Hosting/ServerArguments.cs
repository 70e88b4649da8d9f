namespace Intake.Server.Hosting;

/// <summary>The server runs as <c>intake serve [options]</c>; the verb is optional and dropped before the host reads its arguments.</summary>
internal static class ServerArguments
{
    /// <summary>
    /// The arguments the host reads: without the verb, and with settings files read once at start. Watching them for
    /// changes (the host's default) watches the content root, the working directory, and every directory under it:
    /// 1,476 inotify watches when started in /tmp, and one event per write into the default <c>./data</c>, which the
    /// watcher's thread then reads. A 2M-row import in that layout took 1.86-2.77 s against 1.67-1.85 s unwatched. The
    /// server binds its settings at start anyway; only log levels followed an edited file, and now take a restart like
    /// the rest. A later <c>--hostBuilder:reloadConfigOnChange=true</c> turns watching back on.
    /// </summary>
    public static string[] ForHost(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. WithoutVerb(args)];

    private static string[] WithoutVerb(string[] args) =>
        args.Length > 0 && string.Equals(args[0], "serve", StringComparison.OrdinalIgnoreCase) ? args[1..] : args;
}
