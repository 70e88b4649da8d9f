namespace Intake.Server.WebConsole;

/// <summary>
/// The browser console at <c>/console</c>: a static shell and its assets, served without a key because they
/// hold no data (the one exception to DESIGN.md 5, ADR 7). Everything the console shows comes from the public
/// native API, called by the page with the user's key. <c>/</c> redirects here.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>
    /// No inline script or style, nothing from another origin, no framing. The console needs nothing else:
    /// its scripts are modules from this server and it only calls this server's API.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static RouteGroupBuilder MapConsole(this IEndpointRouteBuilder app, string prefix = "/console")
    {
        var assets = new ConsoleAssets(prefix);
        app.MapGet("/", () => TypedResults.Redirect(prefix)).AllowAnonymous().ExcludeFromDescription();

        var console = app.MapGroup(prefix).AllowAnonymous().ExcludeFromDescription();
        console.MapGet("/", (HttpContext context) => ServeShell(context, assets));
        console.MapGet("/assets/{version}/{**path}", (string version, string path, HttpContext context) => ServeAsset(context, assets, version, path));
        return console;
    }

    private static IResult ServeShell(HttpContext context, ConsoleAssets assets)
    {
        SetSecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(assets.Shell, "text/html; charset=utf-8");
    }

    private static IResult ServeAsset(HttpContext context, ConsoleAssets assets, string version, string path)
    {
        if (assets.Find(version, path) is not { } asset)
        {
            // An old version's URL after an upgrade: the page that asked is stale and must be reloaded.
            return Errors.Problems.Result(Core.Jobs.ErrorCodes.RouteNotFound,
                $"The console has no asset '{path}' in version {version}; reload {assets.Prefix} to get the current one.");
        }

        SetSecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static void SetSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }
}
