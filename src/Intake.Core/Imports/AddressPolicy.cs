using System.Net;
using System.Net.Sockets;

namespace Intake.Core.Imports;

/// <summary>
/// Which addresses URL imports may reach: public ones, plus explicitly allowed private ones. Loopback,
/// private (RFC 1918, unique-local), link-local (which includes the 169.254.169.254 metadata service),
/// CGNAT and unspecified addresses are refused unless listed.
/// </summary>
public sealed class AddressPolicy(IEnumerable<string> allowed)
{
    private readonly IPNetwork[] _allowed = allowed.Select(Parse).ToArray();

    private static readonly IPNetwork[] s_forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
    ];

    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_allowed.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address)))
        {
            return true;
        }

        return !s_forbidden.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address))
            && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }

    private static IPNetwork Parse(string value) =>
        value.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(value) : new IPNetwork(IPAddress.Parse(value), IPAddress.Parse(value).AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
}
