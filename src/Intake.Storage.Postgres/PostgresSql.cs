using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Small helpers for hand-written SQL over Npgsql. A parameter whose value may be null is cast in the SQL
/// (<c>@name::text</c>) so the server knows its type without one on the client.
/// </summary>
internal static class PostgresSql
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The channel workers listen on for queued and finished jobs (payload unused).</summary>
    public const string JobsChannel = "intake_jobs";

    /// <summary>The channel a cancel request is announced on (payload: the job id), so the node running it stops at once.</summary>
    public const string CancelChannel = "intake_cancel";
}
