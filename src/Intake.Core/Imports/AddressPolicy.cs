using System.Net;
using System.Net.Sockets;

namespace Intake.Core.Imports;

/// <summary>
/// Which addresses outbound requests (URL imports, webhook deliveries) may reach: public unicast addresses,
/// plus explicitly allowed ones. Refused unless listed: loopback, private (RFC 1918, unique-local), link-local
/// (which holds the 169.254.169.254 metadata service), CGNAT, unspecified, multicast, reserved, benchmarking and
/// documentation ranges, and the IPv6 forms that carry an IPv4 address some router may translate (NAT64, 6to4,
/// Teredo, IPv4-compatible). An IPv4-mapped IPv6 address (<c>::ffff:a.b.c.d</c>) is judged as its IPv4 address,
/// because that is where the operating system connects. Immutable and thread-safe.
/// </summary>
public sealed class AddressPolicy(IEnumerable<string> allowed)
{
    private readonly IPNetwork[] _allowed = allowed.Select(Parse).ToArray();

    private static readonly IPNetwork[] s_forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),

        // ::/96 holds ::, ::1 and the deprecated IPv4-compatible forms such as ::127.0.0.1, refused whatever they embed.
        IPNetwork.Parse("::/96"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48"), IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("2002::/16"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>True when a connection to <paramref name="address"/> is allowed.</summary>
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        if (Contains(_allowed, address))
        {
            return true;
        }

        return !Contains(s_forbidden, address);
    }

    /// <summary>
    /// Why <paramref name="uri"/> may not be requested, or null when it may: it must be absolute http or https,
    /// and a literal address in it must be allowed. Host names are judged when they resolve (see
    /// <see cref="PolicyHttpHandler"/>).
    /// </summary>
    public string? Refusal(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{uri}' is not an absolute http or https URL.";
        }

        return IPAddress.TryParse(uri.IdnHost, out var address) && !Allows(address)
            ? $"'{uri}' points at {address}, a private, loopback, link-local or reserved address."
            : null;
    }

    private static bool Contains(IPNetwork[] networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPNetwork Parse(string value) =>
        value.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.Parse(value)
            : new IPNetwork(IPAddress.Parse(value), IPAddress.Parse(value).AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
}
