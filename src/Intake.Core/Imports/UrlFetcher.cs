using System.Net;
using System.Net.Http.Headers;
using Intake.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Intake.Core.Imports;

/// <summary>
/// Fetches import files over http and https under the <see cref="AddressPolicy"/>: every connection is checked
/// after DNS resolution, redirects are followed here (http and https only, each target judged again), and the
/// whole fetch has a deadline while every wait for data has an idle timeout. Thread-safe; one shared handler.
/// </summary>
public sealed class UrlFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly AddressPolicy _policy;
    private readonly UrlImportOptions _settings;
    private readonly TimeSpan _idleTimeout;

    public UrlFetcher(IOptions<UrlImportOptions> options)
    {
        _settings = options.Value;
        _policy = new AddressPolicy(_settings.AllowedAddresses);
        _idleTimeout = TimeSpan.FromSeconds(_settings.ReadIdleTimeoutSeconds);
        IWebProxy? proxy = !_settings.UseProxy ? null
            : string.IsNullOrEmpty(_settings.Proxy) ? HttpClient.DefaultProxy
            : new WebProxy(_settings.Proxy);
        var handler = PolicyHttpHandler.Create(_policy, TimeSpan.FromSeconds(_settings.ConnectTimeoutSeconds), proxy);
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Refuses URLs that are not absolute http(s) or whose literal address the policy forbids.</summary>
    public Uri Validate(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new IntakeException(ErrorCodes.UrlNotAllowed, $"The URL '{url}' is not an absolute http or https URL.");
        }

        return _policy.Refusal(uri) is { } refusal
            ? throw new IntakeException(ErrorCodes.UrlNotAllowed, refusal + " Allow private addresses with UrlImports:AllowedAddresses if they are meant.")
            : uri;
    }

    /// <summary>
    /// Streams the body of <paramref name="url"/> into <paramref name="destination"/>, refusing more than
    /// <paramref name="maxBytes"/>. Failures, timeouts included, surface as <see cref="IntakeException"/> with
    /// <c>fetch_failed</c> (<c>file_too_large</c> past the limit); a canceled <paramref name="cancellationToken"/>
    /// surfaces as <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<FetchedFile> FetchAsync(string url, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var uri = Validate(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(_settings.TimeoutSeconds));
        try
        {
            using var response = await GetFollowingRedirectsAsync(uri, deadline.Token);
            var source = response.RequestMessage?.RequestUri ?? uri;
            if (!response.IsSuccessStatusCode)
            {
                throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {source} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new IntakeException(ErrorCodes.FileTooLarge,
                    $"The file at {source} is {response.Content.Headers.ContentLength} bytes, more than the limit of {maxBytes} bytes.");
            }

            await using var body = new FetchBodyStream(await response.Content.ReadAsStreamAsync(deadline.Token), _idleTimeout, source);
            var length = await StreamCopy.CopyWithLimitAsync(body, destination, maxBytes, deadline.Token);
            return new FetchedFile(length, Header(response.Content.Headers.ContentType), response.Content.Headers.ContentEncoding.FirstOrDefault(),
                Path.GetFileName(source.AbsolutePath));
        }
        catch (HttpRequestException exception)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} failed: {exception.Message}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IntakeException(ErrorCodes.FetchFailed,
                $"Fetching {uri} did not finish within {_settings.TimeoutSeconds} s (UrlImports:TimeoutSeconds).");
        }
    }

    public void Dispose() => _client.Dispose();

    private static string? Header(MediaTypeHeaderValue? value) => value?.MediaType;

    /// <summary>Follows up to <c>MaxRedirects</c> redirects itself, so that each target's scheme and address are judged.</summary>
    private async Task<HttpResponseMessage> GetFollowingRedirectsAsync(Uri uri, CancellationToken cancellationToken)
    {
        for (var redirects = 0; ; redirects++)
        {
            if (_settings.UseProxy)
            {
                await PolicyHttpHandler.EnsureTargetAllowedAsync(_policy, uri, cancellationToken);
            }

            var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently or HttpStatusCode.Found
                or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            uri = NextHop(uri, location, redirects);
        }
    }

    private Uri NextHop(Uri from, Uri? location, int redirects)
    {
        if (location is null)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {from} answered a redirect without a usable Location.");
        }

        if (redirects >= _settings.MaxRedirects)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {from} redirected more than {_settings.MaxRedirects} times (UrlImports:MaxRedirects).");
        }

        var next = location.IsAbsoluteUri ? location : new Uri(from, location);
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {from} redirected to a {next.Scheme}: URL; only http and https redirects are followed.");
        }

        if (from.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {from} redirected from https to http ({next}); a downgrade is not followed.");
        }

        return _policy.Refusal(next) is { } refusal
            ? throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {from} redirected to {refusal}")
            : next;
    }

    /// <summary>Sends one request; waiting longer than the idle timeout for its headers fails the fetch.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_idleTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IntakeException(ErrorCodes.FetchFailed,
                $"Fetching {request.RequestUri} stalled: no response within {_idleTimeout.TotalSeconds:N0} s (UrlImports:ReadIdleTimeoutSeconds).");
        }
    }
}

/// <summary>What a fetch brought back.</summary>
public sealed record FetchedFile(long Length, string? ContentType, string? ContentEncoding, string? FileName);
