namespace Intake.Storage.Postgres;

/// <summary>The NOTIFY channels the PostgreSQL store announces work on.</summary>
internal static class PostgresSql
{
    /// <summary>The channel workers listen on for queued and finished jobs (payload unused).</summary>
    public const string JobsChannel = "intake_jobs";

    /// <summary>The channel a cancel request is announced on (payload: the job id), so the node running it stops at once.</summary>
    public const string CancelChannel = "intake_cancel";
}
