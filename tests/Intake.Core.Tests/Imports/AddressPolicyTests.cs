using System.Net;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Intake.Core.Tests.Imports;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1::1", true)]
    [InlineData("::ffff:93.184.216.34", true)]
    public void Private_loopback_and_link_local_addresses_are_refused_by_default(string address, bool allowed) =>
        Assert.Equal(allowed, new AddressPolicy([]).Allows(IPAddress.Parse(address)));

    // #14: ranges the block list missed, and IPv6 forms that carry an IPv4 address.
    [Theory]
    [InlineData("::127.0.0.1")]
    [InlineData("::10.0.0.1")]
    [InlineData("::8.8.8.8")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [InlineData("2001:db8::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("ff05::1:3")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.254")]
    [InlineData("192.0.0.170")]
    [InlineData("192.0.2.1")]
    [InlineData("100.64.0.1")]
    public void Reserved_multicast_and_translated_addresses_are_refused(string address) =>
        Assert.False(new AddressPolicy([]).Allows(IPAddress.Parse(address)));

    [Fact]
    public void An_ipv4_mapped_address_is_judged_by_its_ipv4_address_and_an_ipv4_compatible_one_is_always_refused()
    {
        var policy = new AddressPolicy(["127.0.0.1"]);

        Assert.True(policy.Allows(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(policy.Allows(IPAddress.Parse("::ffff:127.0.0.2")));
        Assert.False(policy.Allows(IPAddress.Parse("::127.0.0.1")));
    }

    [Fact]
    public void Configured_addresses_and_blocks_are_allowed()
    {
        var policy = new AddressPolicy(["127.0.0.1", "10.0.0.0/8"]);

        Assert.True(policy.Allows(IPAddress.Loopback));
        Assert.True(policy.Allows(IPAddress.Parse("10.9.9.9")));
        Assert.False(policy.Allows(IPAddress.Parse("192.168.0.1")));
    }

    [Theory]
    [InlineData("ftp://example.com/file.csv")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    [InlineData("http://127.0.0.1/file.csv")]
    [InlineData("http://[::1]/file.csv")]
    [InlineData("http://[::127.0.0.1]/file.csv")]
    [InlineData("http://[::ffff:127.0.0.1]/file.csv")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("http://2130706433/file.csv")]
    [InlineData("http://224.0.0.251/file.csv")]
    public void Urls_that_are_not_public_http_are_refused_before_anything_is_queued(string url)
    {
        using var fetcher = new UrlFetcher(Options.Create(new UrlImportOptions()));

        Assert.Equal(ErrorCodes.UrlNotAllowed, Assert.Throws<IntakeException>(() => fetcher.Validate(url)).Code);
    }
}
