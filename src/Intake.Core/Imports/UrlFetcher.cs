using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Intake.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Intake.Core.Imports;

/// <summary>
/// Fetches import files over http and https. Every connection (redirects included) is checked against the
/// address policy after DNS resolution, so a host name cannot smuggle a request to a private address.
/// Thread-safe; one shared handler.
/// </summary>
public sealed class UrlFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly AddressPolicy _policy;

    public UrlFetcher(IOptions<UrlImportOptions> options)
    {
        var settings = options.Value;
        _policy = new AddressPolicy(settings.AllowedAddresses);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = settings.MaxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, settings.MaxRedirects),
            ConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds) };
    }

    /// <summary>Refuses URLs that are not absolute http(s) or whose literal address the policy forbids.</summary>
    public Uri Validate(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new IntakeException(ErrorCodes.UrlNotAllowed, $"The URL '{url}' is not an absolute http or https URL.");
        }

        if (IPAddress.TryParse(uri.IdnHost, out var address) && !_policy.Allows(address))
        {
            throw new IntakeException(ErrorCodes.UrlNotAllowed,
                $"The URL '{url}' points at a private, loopback or link-local address; allow it with UrlImports:AllowedAddresses.");
        }

        return uri;
    }

    /// <summary>
    /// Streams the body of <paramref name="url"/> into <paramref name="destination"/>, refusing more than
    /// <paramref name="maxBytes"/>. Failures surface as <see cref="IntakeException"/> with <c>fetch_failed</c>.
    /// </summary>
    public async Task<FetchedFile> FetchAsync(string url, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var uri = Validate(url);
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new IntakeException(ErrorCodes.FileTooLarge,
                    $"The file at {uri} is {response.Content.Headers.ContentLength} bytes, more than the limit of {maxBytes} bytes.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = await StreamCopy.CopyWithLimitAsync(body, destination, maxBytes, cancellationToken);
            return new FetchedFile(length, Header(response.Content.Headers.ContentType), response.Content.Headers.ContentEncoding.FirstOrDefault(),
                Path.GetFileName(response.RequestMessage?.RequestUri?.AbsolutePath ?? uri.AbsolutePath));
        }
        catch (HttpRequestException exception)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} failed: {exception.Message}");
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IntakeException(ErrorCodes.FetchFailed, $"Fetching {uri} timed out: {exception.Message}");
        }
    }

    public void Dispose() => _client.Dispose();

    private static string? Header(MediaTypeHeaderValue? value) => value?.MediaType;

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(_policy.Allows).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"{context.DnsEndPoint.Host} resolves only to private, loopback or link-local addresses, which URL imports may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>What a fetch brought back.</summary>
public sealed record FetchedFile(long Length, string? ContentType, string? ContentEncoding, string? FileName);
