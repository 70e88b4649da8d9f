using System.Net;
using System.Text.RegularExpressions;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// The console's shell and assets: served by the server, without a key even when one is required (they hold no
/// data; DESIGN.md 5's one exception), under a CSP that allows nothing from elsewhere, with content-hashed asset URLs.
/// </summary>
public sealed partial class ConsoleHostingTests : IAsyncLifetime
{
    private readonly IntakeServerFactory _factory = new(new Dictionary<string, string?> { ["Security:MasterKey"] = "hosting-test-master-key-0123456789" });
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _factory.CreateIntakeClient().Http;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [GeneratedRegex("""(?:src|href)="(/console/assets/[0-9a-f]{32}/[^"]+)""")]
    private static partial Regex AssetUrl();

    [Fact]
    public async Task The_root_redirects_to_the_console_whose_shell_and_assets_need_no_key()
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _http.BaseAddress };
        using var root = await noRedirects.GetAsync("/");
        using var shell = await _http.GetAsync("/console");
        var html = await shell.Content.ReadAsStringAsync();
        using var api = await _http.GetAsync("/v1/me");

        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/console", root.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, shell.StatusCode);
        Assert.Equal("text/html", shell.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", shell.Headers.CacheControl?.ToString());
        var csp = shell.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        var assets = AssetUrl().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains(assets, a => a.EndsWith("/app.js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith("/console.css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await _http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Modules_import_each_other_inside_the_same_version_and_an_unknown_version_is_a_404()
    {
        var html = await _http.GetStringAsync("/console");
        var app = AssetUrl().Matches(html).Select(m => m.Groups[1].Value).Single(a => a.EndsWith("/app.js", StringComparison.Ordinal));
        var version = app.Split('/')[3];
        using var script = await _http.GetAsync(app);
        var text = await script.Content.ReadAsStringAsync();
        using var module = await _http.GetAsync($"/console/assets/{version}/pages/logs.js");
        using var stale = await _http.GetAsync("/console/assets/00000000000000000000000000000000/app.js");

        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("from './pages/logs.js'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        Assert.Equal("route_not_found", (string)(await IntakeClient.ProblemAsync(stale))["code"]!);
    }
}
