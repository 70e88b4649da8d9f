using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Webhooks;

/// <summary>Webhook subscriptions for the admin API: validated on creation, listed without secrets by the caller. Thread-safe.</summary>
public sealed class WebhookService(IWebhookStore store, WebhookTargets targets, JobSignal signal, TimeProvider time)
{
    private const int MinimumSecretLength = 16;

    /// <summary>Creates a webhook; its secret is generated when none is given. Refuses unknown events and forbidden URLs.</summary>
    public async Task<Webhook> CreateAsync(string? url, IReadOnlyList<string>? events, IReadOnlyList<string>? datasets, string? secret,
        CancellationToken cancellationToken)
    {
        targets.Validate(url ?? throw new IntakeException(ErrorCodes.InvalidRequest, "A webhook needs a url."));
        if (events is not { Count: > 0 })
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, $"A webhook needs events: one or more of {string.Join(", ", WebhookEvents.All)}.");
        }

        if (events.FirstOrDefault(e => !WebhookEvents.All.Contains(e, StringComparer.Ordinal)) is { } unknown)
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, $"Event '{unknown}' is not one of {string.Join(", ", WebhookEvents.All)}.");
        }

        if (secret is { Length: < MinimumSecretLength })
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, $"A webhook secret needs at least {MinimumSecretLength} characters; omit it to have one generated.");
        }

        var webhook = new Webhook(Guid.CreateVersion7().ToString(), url, events.Distinct(StringComparer.Ordinal).ToList(),
            datasets is { Count: > 0 } ? datasets.Distinct(StringComparer.Ordinal).ToList() : null, secret ?? WebhookSignature.NewSecret(), time.GetUtcNow());
        await store.CreateWebhookAsync(webhook, cancellationToken);
        return webhook;
    }

    public Task<Page<Webhook>> ListAsync(PageRequest page, CancellationToken cancellationToken) => store.ListWebhooksAsync(page, cancellationToken);

    public async Task<Webhook> GetAsync(string id, CancellationToken cancellationToken) =>
        await store.GetWebhookAsync(id, cancellationToken) ?? throw NotFound(id);

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.DeleteWebhookAsync(id, time.GetUtcNow(), cancellationToken))
        {
            throw NotFound(id);
        }
    }

    /// <summary>Queues a <c>webhook.ping</c> delivery to this webhook, sent like any other.</summary>
    public async Task<WebhookDelivery> PingAsync(string id, CancellationToken cancellationToken)
    {
        await GetAsync(id, cancellationToken);
        var delivery = await store.EnqueueDeliveryAsync(id, WebhookEvents.Ping, time.GetUtcNow(), cancellationToken);
        signal.Notify();
        return delivery;
    }

    public async Task<Page<WebhookDelivery>> DeliveriesAsync(string id, PageRequest page, CancellationToken cancellationToken)
    {
        await GetAsync(id, cancellationToken);
        return await store.ListDeliveriesAsync(id, page, cancellationToken);
    }

    private static IntakeException NotFound(string id) => new(ErrorCodes.WebhookNotFound, $"Webhook '{id}' does not exist.");
}

/// <summary>
/// Where webhooks may send: the URL-import address rules (<c>UrlImports:AllowedAddresses</c>) plus
/// <c>Webhooks:AllowedAddresses</c>, checked on the literal URL at creation and on every resolved address at connect
/// (<see cref="PolicyHttpHandler"/>, without a proxy). Owns the one HTTP client of deliveries: no redirects, a timeout
/// per attempt. Thread-safe.
/// </summary>
public sealed class WebhookTargets : IDisposable
{
    private readonly AddressPolicy _policy;

    public WebhookTargets(IOptions<UrlImportOptions> urlImports, IOptions<WebhookOptions> options)
    {
        _policy = new AddressPolicy(urlImports.Value.AllowedAddresses.Concat(options.Value.AllowedAddresses));
        var handler = PolicyHttpHandler.Create(_policy, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), proxy: null);
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
        Client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds) };
    }

    public HttpClient Client { get; }

    /// <summary>Refuses (<c>url_not_allowed</c>) a URL that is not absolute http(s) or whose literal address the policy forbids.</summary>
    public Uri Validate(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new IntakeException(ErrorCodes.UrlNotAllowed, $"The URL '{url}' is not an absolute http or https URL.");
        }

        return _policy.Refusal(uri) is { } refusal
            ? throw new IntakeException(ErrorCodes.UrlNotAllowed, refusal + " Allow private addresses with Webhooks:AllowedAddresses if they are meant.")
            : uri;
    }

    public void Dispose() => Client.Dispose();
}
