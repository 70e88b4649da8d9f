namespace Intake.Core.Webhooks;

/// <summary>
/// A subscription: deliveries of <see cref="Events"/> (for <see cref="Datasets"/>, or every dataset when null) are
/// POSTed to <see cref="Url"/>, signed with <see cref="Secret"/>.
/// </summary>
public sealed record Webhook(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<string>? Datasets,
    string Secret,
    DateTimeOffset CreatedAt)
{
    public bool Matches(string @event, string datasetId) =>
        Events.Contains(@event, StringComparer.Ordinal) && (Datasets is null || Datasets.Contains(datasetId, StringComparer.Ordinal));
}

/// <summary>Where a delivery stands: waiting for its next attempt, delivered, or given up after its retry window.</summary>
public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One event for one webhook, written to the outbox in the same transaction as the change it reports, and sent
/// at least once; <see cref="Id"/> is what a receiver deduplicates on. <see cref="Body"/> is rendered at the first
/// attempt and reused by every retry.
/// </summary>
public sealed record WebhookDelivery
{
    public required string Id { get; init; }

    public required string WebhookId { get; init; }

    public required string Event { get; init; }

    public string? DatasetId { get; init; }

    public string? ImportId { get; init; }

    public string? JobId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DeliveryStatus Status { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public int? LastStatusCode { get; init; }

    public string? LastError { get; init; }

    public string? Body { get; init; }

    /// <summary>The target and secret, filled in when a delivery is claimed for sending.</summary>
    public string? Url { get; init; }

    public string? Secret { get; init; }

    public IReadOnlyList<DeliveryAttempt> History { get; init; } = [];
}

/// <summary>One POST of a delivery: when, how long, and what came back (a status code, or the error).</summary>
public sealed record DeliveryAttempt(int Attempt, DateTimeOffset At, int DurationMilliseconds, int? StatusCode, string? Error, string SentBy);

public static class DeliveryStatusNames
{
    public static string ToWire(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static DeliveryStatus Parse(string value) => value switch
    {
        "pending" => DeliveryStatus.Pending,
        "delivered" => DeliveryStatus.Delivered,
        "failed" => DeliveryStatus.Failed,
        _ => throw new InvalidDataException($"Unknown delivery status '{value}' in the store."),
    };
}
