using System.Net;
using System.Net.Sockets;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// A server that cannot start (its address taken, a setting that does not convert or validate) exits with
/// code 1 and a line naming the cause, instead of aborting on an unhandled exception. Real server processes.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task An_address_in_use_exits_1_naming_the_address()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";

        var (exitCode, output) = await ServerProcess.RunToExitAsync(["--urls", address], new Dictionary<string, string>());

        AssertCouldNotStart(exitCode, output, $"Failed to bind to address {address}: address already in use.");
    }

    [Theory]
    [InlineData("--Limits:MaxFileBytes=abc", "Failed to convert configuration value 'abc' at 'Limits:MaxFileBytes'")]
    [InlineData("--Storage:Provider=oracle", "Storage")]
    public async Task A_setting_that_does_not_convert_or_validate_exits_1_naming_it(string setting, string cause)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(["--urls", "http://127.0.0.1:{port}", setting], new Dictionary<string, string>());

        AssertCouldNotStart(exitCode, output, cause);
    }

    private static void AssertCouldNotStart(int exitCode, string output, string cause)
    {
        Assert.True(exitCode == 1, $"Exit code {exitCode}; output:\n{output}");
        Assert.Single(output.Split('\n'), line => line.Contains("Intake could not start", StringComparison.Ordinal));
        Assert.Contains(cause, output[output.IndexOf("Intake could not start", StringComparison.Ordinal)..]);
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
