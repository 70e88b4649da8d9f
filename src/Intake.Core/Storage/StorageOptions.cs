namespace Intake.Core.Storage;

/// <summary>Which store holds the data, bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>Sqlite</c> (the embedded default) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Where the SQLite files and (by default) staged files live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The PostgreSQL connection string when <see cref="Provider"/> is <c>Postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where staged files live; defaults to <c>staged</c> under <see cref="DataDirectory"/>.</summary>
    public string? StagedDirectory { get; set; }
}
