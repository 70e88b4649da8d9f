using System.Text;
using Intake.Core.Records;
using Intake.Core.Storage;
using Npgsql;

namespace Intake.Storage.Postgres.Loading;

/// <summary>Reads insert-mode conflicts found by a merge and describes each as a key that exists already.</summary>
internal static class MergeConflicts
{
    /// <summary>Runs <paramref name="sql"/>, which selects (line, type, id, target or null, timestamp or 0), into <paramref name="conflicts"/>.</summary>
    public static async Task ReadAsync(NpgsqlConnection connection, LoadRequest request, string sql, long batch, FirstRejections conflicts,
        CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, ("batch", batch));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conflicts.Add(request.RecordType.AlreadyExists(request.DatasetId, Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Encoding.UTF8.GetBytes(reader.GetString(1)), Encoding.UTF8.GetBytes(reader.GetString(2)),
                reader.IsDBNull(3) ? [] : Encoding.UTF8.GetBytes(reader.GetString(3)), reader.IsDBNull(4) ? 0 : reader.GetInt64(4)));
        }
    }
}
