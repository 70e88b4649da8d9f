using System.Globalization;
using Intake.Core.Jobs;
using Intake.Server.Errors;

namespace Intake.Server.Security;

/// <summary>
/// Limits on the request line, answered with problem details before authentication (#14). Kestrel's own limit
/// (<see cref="MaxRequestLineBytes"/>, raised from its 8 KiB default) is only the outer wall: past it Kestrel
/// answers a bare 414 itself, before any of our code runs. Below it these limits answer <c>url_too_long</c>.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Kestrel's request-line limit (method, target and protocol).</summary>
    public const int MaxRequestLineBytes = 64 * 1024;

    /// <summary>The longest path: ids are at most 64 characters, entity ids can be long, and a path rarely needs more.</summary>
    public const int MaxPathLength = 8 * 1024;

    /// <summary>The longest query string (with its <c>?</c>), as sent (percent-encoded).</summary>
    public const int MaxQueryLength = 16 * 1024;

    public static async Task EnforceAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.PathBase.ToUriComponent().Length + request.Path.ToUriComponent().Length;
        var query = request.QueryString.Value?.Length ?? 0;
        if (path > MaxPathLength)
        {
            await Problems.WriteAsync(context, ErrorCodes.UrlTooLong,
                string.Create(CultureInfo.InvariantCulture, $"The path has {path} characters; at most {MaxPathLength} are accepted."));
            return;
        }

        if (query > MaxQueryLength)
        {
            await Problems.WriteAsync(context, ErrorCodes.UrlTooLong,
                string.Create(CultureInfo.InvariantCulture, $"The query string has {query} characters; at most {MaxQueryLength} are accepted."));
            return;
        }

        // PostgreSQL stores no NUL, and no parameter needs one: refused here, before a filter or a tag reaches a query.
        if (request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true &&
            request.Query.FirstOrDefault(p => p.Key.Contains('\0') || p.Value.Any(v => v?.Contains('\0') == true)) is { Key: not null } holding)
        {
            await Problems.WriteAsync(context, ErrorCodes.InvalidRequest,
                $"Query parameter {holding.Key.Replace("\0", "\\u0000", StringComparison.Ordinal)} holds the control character U+0000 (NUL); parameters take printable text.");
            return;
        }

        await next(context);
    }
}
