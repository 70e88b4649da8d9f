using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Imports;

/// <summary>What URL imports may fetch and how long they may take, bound from the <c>UrlImports</c> section (DESIGN.md 5).</summary>
public sealed class UrlImportOptions
{
    /// <summary>Addresses (IPs or CIDR blocks) allowed although private, loopback or link-local, e.g. <c>127.0.0.1</c>.</summary>
    public List<string> AllowedAddresses { get; set; } = [];

    [Range(1, 600)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>The whole fetch (connecting, every redirect, the headers and the body) must end within this.</summary>
    [Range(1, 86_400)]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Waiting for the response headers, or for the next bytes of the body, fails the fetch after this long.</summary>
    [Range(1, 3600)]
    public int ReadIdleTimeoutSeconds { get; set; } = 30;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Off by default: fetches connect directly and ignore <c>http_proxy</c>/<c>https_proxy</c>. When on, they go
    /// through <see cref="Proxy"/>, or else the environment's proxy, and the address policy is applied to the
    /// target's resolved addresses before each request.
    /// </summary>
    public bool UseProxy { get; set; }

    /// <summary>An explicit proxy (<c>http://host:port</c>) for <see cref="UseProxy"/>; empty means the environment's.</summary>
    public string? Proxy { get; set; }
}
