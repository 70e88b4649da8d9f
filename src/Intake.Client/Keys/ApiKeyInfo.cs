namespace Intake.Client;

/// <summary>An API key as listed: never its secret.</summary>
public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, bool Signed, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created: the only time its <see cref="Secret"/> is shown.</summary>
public sealed record CreatedApiKey(string Id, string Name, IReadOnlyList<string> Scopes, bool Signed, DateTimeOffset CreatedAt, string Secret)
{
    /// <inheritdoc/>
    public override string ToString() => $"CreatedApiKey {{ Id = {Id}, Name = {Name}, Signed = {Signed} }}";
}
