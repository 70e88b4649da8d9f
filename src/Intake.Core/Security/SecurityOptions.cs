using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Security;

/// <summary>Authentication settings, bound from the <c>Security</c> section (DESIGN.md 5).</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// The master key: when set, every route but <c>/health</c> and <c>/ready</c> needs a key, and this one has
    /// every scope. Without it the server runs in development mode and may only listen on loopback.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>How far a signed request's timestamp may be from the server's clock.</summary>
    [Range(1, 3600)]
    public int SignatureWindowSeconds { get; set; } = 300;
}
