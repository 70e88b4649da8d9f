using System.Data.Common;
using Intake.Core.Security;
using Intake.Core.Storage;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Relational;

/// <summary>API keys, signed-request nonces and server secrets over SQL, shared by the SQLite and PostgreSQL stores. Thread-safe.</summary>
public abstract class RelationalKeyStore : IKeyStore
{
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task CreateKeyAsync(ApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO api_keys (id, name, scopes, signed, verifier, created_at) VALUES (@id, @name, @scopes, @signed, @verifier, @created);",
            cancellationToken,
            ("@id", key.Id), ("@name", key.Name), ("@scopes", (int)key.Scopes), ("@signed", key.Signed), ("@verifier", key.Verifier),
            ("@created", ToEpoch(key.CreatedAt)));
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {KeyColumns} FROM api_keys WHERE id = @id;", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadKey(reader) : null;
    }

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL;", cancellationToken,
            ("@id", id), ("@now", ToEpoch(now))) == 1;
    }

    public async Task<bool> UseNonceAsync(string keyId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync("DELETE FROM key_nonces WHERE key_id = @key AND expires_at < @now;", cancellationToken,
            ("@key", keyId), ("@now", ToEpoch(now)));
        var fresh = await connection.ExecuteAsync(
            "INSERT INTO key_nonces (key_id, nonce, expires_at) VALUES (@key, @nonce, @expires) ON CONFLICT DO NOTHING;", cancellationToken,
            ("@key", keyId), ("@nonce", nonce), ("@expires", ToEpoch(expiresAt))) == 1;
        await transaction.CommitAsync(cancellationToken);
        return fresh;
    }

    public async Task<byte[]> GetOrCreateSecretAsync(string name, byte[] candidate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @now) ON CONFLICT DO NOTHING;",
            cancellationToken, ("@name", name), ("@value", candidate), ("@now", ToEpoch(now)));
        await using var command = connection.Command("SELECT value FROM server_secrets WHERE name = @name;", ("@name", name));
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
