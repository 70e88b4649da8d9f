namespace Intake.Client;

/// <summary>API keys (<c>/v1/keys</c>, admin). Reached through <see cref="IntakeClient.Keys"/>.</summary>
public class KeysClient
{
    private readonly IntakeConnection? _connection;

    /// <summary>For mocking.</summary>
    protected KeysClient()
    {
    }

    internal KeysClient(IntakeConnection connection) => _connection = connection;

    private IntakeConnection Connection => _connection!;

    /// <summary>
    /// Creates a key with <paramref name="scopes"/> (<c>read</c>, <c>write</c>, <c>admin</c>). Its secret is in the
    /// result only; a <paramref name="signed"/> key is accepted only on signed requests.
    /// </summary>
    public virtual Task<CreatedApiKey> CreateAsync(string name, IReadOnlyList<string> scopes, bool signed = false, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<CreatedApiKey>(HttpMethod.Post, "/v1/keys", new { name, scopes, signed }, cancellationToken);

    /// <summary>Every key, revoked ones included, without secrets.</summary>
    public virtual Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        Connection.GetAsync<IReadOnlyList<ApiKeyInfo>>("/v1/keys", cancellationToken);

    /// <summary>Revokes a key; requests with it are refused from then on.</summary>
    public virtual Task RevokeAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendAsync(HttpMethod.Delete, $"/v1/keys/{Query.Escape(id)}", cancellationToken);
}
