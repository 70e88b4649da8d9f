namespace Intake.Storage.Postgres;

/// <summary>Options of the PostgreSQL store, bound from the <c>Postgres</c> section.</summary>
public sealed class PostgresOptions
{
    /// <summary>
    /// Where staged files live: <c>database</c> (the default: in PostgreSQL, so every node of a cluster reads
    /// them with nothing else shared) or <c>directory</c> (<c>Storage:StagedDirectory</c>, which must then be
    /// shared by every node).
    /// </summary>
    public string StagedFiles { get; set; } = "database";
}
