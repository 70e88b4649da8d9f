using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Small helpers for hand-written SQL over Npgsql. A parameter whose value may be null is cast in the SQL
/// (<c>@name::text</c>) so the server knows its type without one on the client.
/// </summary>
internal static class PostgresSql
{
    /// <summary>The channel workers listen on for queued and finished jobs (payload unused).</summary>
    public const string JobsChannel = "intake_jobs";

    /// <summary>The channel a cancel request is announced on (payload: the job id), so the node running it stops at once.</summary>
    public const string CancelChannel = "intake_cancel";
}
