using Intake.Storage.Relational;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>An Npgsql transaction as the shared stores use it; disposing without committing rolls back.</summary>
internal sealed class PostgresTransaction(NpgsqlTransaction transaction) : IWriteTransaction
{
    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public ValueTask DisposeAsync() => transaction.DisposeAsync();
}
