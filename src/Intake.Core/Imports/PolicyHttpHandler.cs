using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Intake.Core.Imports;

/// <summary>
/// HTTP handlers for outbound requests that must obey an <see cref="AddressPolicy"/> (URL imports, webhook
/// deliveries). The policy is applied to the address actually connected to, after DNS resolution, so a host
/// name cannot smuggle a request to a private address. Redirects are never followed by the handler: a caller
/// follows them itself and judges each target (<see cref="AddressPolicy.Refusal"/>).
/// </summary>
public static class PolicyHttpHandler
{
    /// <summary>
    /// A handler that connects only to allowed addresses. Without <paramref name="proxy"/> it ignores the
    /// environment's proxy settings (<c>http_proxy</c> and friends): a proxy would make the policy judge the
    /// proxy's address instead of the target's. With a proxy the connection to the proxy itself is not judged
    /// (the operator chose it); call <see cref="EnsureTargetAllowedAsync"/> before each request instead.
    /// </summary>
    public static SocketsHttpHandler Create(AddressPolicy policy, TimeSpan connectTimeout, IWebProxy? proxy)
    {
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = proxy is not null,
            Proxy = proxy,
            ConnectTimeout = connectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, proxy is not null, context, cancellationToken),
        };
    }

    /// <summary>
    /// For requests through a proxy, which resolves the target's name itself: refuses unless every address the
    /// target resolves to here is allowed. (A name that resolves differently for the proxy escapes this check;
    /// the proxy's own egress rules are the defence there.)
    /// </summary>
    public static async Task EnsureTargetAllowedAsync(AddressPolicy policy, Uri target, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(target.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(target.IdnHost, cancellationToken);
        if (addresses.Length == 0 || !addresses.All(policy.Allows))
        {
            throw new HttpRequestException($"{target.IdnHost} resolves to a private, loopback, link-local or reserved address, which may not be reached.");
        }
    }

    private static async ValueTask<Stream> ConnectAsync(AddressPolicy policy, bool proxied, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var toProxy = proxied && !string.Equals(host, context.InitialRequestMessage.RequestUri?.IdnHost, StringComparison.OrdinalIgnoreCase);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = toProxy ? addresses : addresses.Where(policy.Allows).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{host} resolves only to private, loopback, link-local or reserved addresses, which may not be reached.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception)
        {
            socket.Dispose();
            throw;
        }
    }
}
