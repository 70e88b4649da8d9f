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
    public void Private_loopback_and_link_local_addresses_are_refused_by_default(string address, bool allowed) =>
        Assert.Equal(allowed, new AddressPolicy([]).Allows(IPAddress.Parse(address)));

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
    public void Urls_that_are_not_public_http_are_refused_before_anything_is_queued(string url)
    {
        using var fetcher = new UrlFetcher(Options.Create(new UrlImportOptions()));

        Assert.Equal(ErrorCodes.UrlNotAllowed, Assert.Throws<IntakeException>(() => fetcher.Validate(url)).Code);
    }
}
