using System.Data.Common;
using Intake.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>API keys and signed-request nonces in the control database (<see cref="RelationalKeyStore"/> holds the statements).</summary>
public sealed class SqliteKeyStore(SqliteDataSource dataSource) : RelationalKeyStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenControlAsync(cancellationToken);

    protected override async Task<IWriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((SqliteConnection)connection).BeginWriteAsync(cancellationToken);
}
