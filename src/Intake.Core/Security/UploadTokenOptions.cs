using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Security;

/// <summary>How long an upload URL's token stays good, bound from the <c>Uploads</c> section.</summary>
public sealed class UploadTokenOptions
{
    /// <summary>The token of an upload URL expires this long after the upload was created (default one hour).</summary>
    [Range(1, 7 * 24 * 3600)]
    public int TokenLifetimeSeconds { get; set; } = 3600;
}
