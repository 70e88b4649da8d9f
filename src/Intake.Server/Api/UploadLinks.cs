using Intake.Core.Security;
using Intake.Server.Hosting;
using Intake.Server.Security;

namespace Intake.Server.Api;

/// <summary>The URLs of an upload: its status resource, and its capability URL for the one PUT of its file.</summary>
public sealed class UploadLinks(PublicAddress address, UploadTokens tokens)
{
    /// <summary>
    /// The status URL (for <c>Location</c>, without a token: a location header may be logged by whatever sits in
    /// front) and the capability URL that carries the token, issued for the key <paramref name="keyId"/>.
    /// </summary>
    public async Task<(string Status, string Capability)> CreateAsync(string uploadId, string? keyId, CancellationToken cancellationToken)
    {
        var status = $"{address.Base}/v1/uploads/{Uri.EscapeDataString(uploadId)}";
        var token = await tokens.IssueAsync(uploadId, keyId, cancellationToken);
        return (status, $"{status}?{UploadCapability.TokenParameter}={token}");
    }
}
