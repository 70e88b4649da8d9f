using System.Net;

namespace Intake.Server.Security;

/// <summary>Refuses to start on a non-loopback address without a master key (DESIGN.md 5): there would be no authentication.</summary>
internal static class ListenAddresses
{
    public static void EnsureLoopbackWithoutMasterKey(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["Security:MasterKey"]))
        {
            return;
        }

        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var open = urls.Where(url => !IsLoopback(url)).ToList();
        if (open.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to listen on {string.Join(", ", open)} without a master key: anyone who can reach it could use the API. " +
                "Set INTAKE_MASTER_KEY (or Security:MasterKey), or listen on a loopback address such as http://127.0.0.1:5080.");
        }
    }

    private static bool IsLoopback(string url)
    {
        var host = url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal);
        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
