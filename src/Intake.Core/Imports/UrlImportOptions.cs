using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Imports;

/// <summary>What URL imports may fetch, bound from the <c>UrlImports</c> section (DESIGN.md 5).</summary>
public sealed class UrlImportOptions
{
    /// <summary>Addresses (IPs or CIDR blocks) allowed although private, loopback or link-local, e.g. <c>127.0.0.1</c>.</summary>
    public List<string> AllowedAddresses { get; set; } = [];

    [Range(1, 600)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    [Range(1, 86_400)]
    public int TimeoutSeconds { get; set; } = 600;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;
}
