using System.Data.Common;
using Intake.Storage.Relational;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>API keys and signed-request nonces, shared by every node (<see cref="RelationalKeyStore"/> holds the statements).</summary>
public sealed class PostgresKeyStore(PostgresDataSource dataSource) : RelationalKeyStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenAsync(cancellationToken);

    protected override async Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        new PostgresTransaction(await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken));
}
