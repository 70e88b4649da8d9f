using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Intake.Server.Hosting;

/// <summary>The <c>PublicUrl</c> setting: the base URL clients reach this server at (behind a proxy, the proxy's).</summary>
public sealed class PublicUrlOptions
{
    public string? PublicUrl { get; set; }

    internal bool IsValid => string.IsNullOrWhiteSpace(PublicUrl) ||
        (Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
         string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment));
}

/// <summary>
/// Where clients reach this server, for the URLs it hands out (upload URLs): <c>PublicUrl</c> when configured,
/// else the address the server listens on (an https one first; a wildcard host becomes this machine's name).
/// Never the request's <c>Host</c> header, which the client controls (#14). Thread-safe.
/// </summary>
public sealed class PublicAddress(IOptions<PublicUrlOptions> options, IServer server)
{
    private string? _base;

    /// <summary>The base URL without a trailing slash, such as <c>https://intake.example.com</c> or <c>http://127.0.0.1:5080</c>.</summary>
    public string Base => _base ??= Resolve();

    private string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl.TrimEnd('/');
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return IntakeServerExtensions.DefaultUrl;
        }

        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || binding.IsNamedPipe)
        {
            return $"{binding.Scheme}://localhost";
        }

        var host = binding.Host is "0.0.0.0" or "[::]" or "*" or "+" ? Dns.GetHostName() : binding.Host;
        return $"{binding.Scheme}://{host}:{binding.Port}{binding.PathBase}".TrimEnd('/');
    }
}
