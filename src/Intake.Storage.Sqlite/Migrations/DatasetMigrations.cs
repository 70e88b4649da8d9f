namespace Intake.Storage.Sqlite.Migrations;

/// <summary>
/// A dataset database's schema, one script per version. Records are keyed by a 64-bit hash of their key
/// first (then the key itself, so a hash collision is only a tie, never a wrong match): a narrow leading
/// column keeps the one B-tree compact and lets a load sorted by hash write pages in order.
/// </summary>
internal static class DatasetMigrations
{
    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE entities (
            h INTEGER NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT,
            media_url TEXT,
            attrs TEXT,
            record_type INTEGER NOT NULL,
            batch INTEGER NOT NULL,
            PRIMARY KEY (h, type, id)
        ) WITHOUT ROWID;

        CREATE TABLE interactions (
            h INTEGER NOT NULL,
            type TEXT NOT NULL,
            source_id TEXT NOT NULL,
            target_id TEXT NOT NULL,
            ts INTEGER NOT NULL,
            value REAL,
            attrs TEXT,
            record_type INTEGER NOT NULL,
            batch INTEGER NOT NULL,
            PRIMARY KEY (h, type, source_id, target_id, ts)
        ) WITHOUT ROWID;

        CREATE TABLE record_types (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );

        CREATE TABLE errors (
            import_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            line INTEGER NOT NULL,
            error_id TEXT NOT NULL,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            field TEXT,
            PRIMARY KEY (import_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE applied_loads (
            import_id TEXT PRIMARY KEY,
            record_type TEXT NOT NULL,
            read INTEGER NOT NULL,
            written INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            deleted INTEGER NOT NULL
        );

        CREATE TABLE attribute_types (
            name TEXT PRIMARY KEY,
            type TEXT NOT NULL
        );

        CREATE TABLE counts (
            kind TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        );
        INSERT INTO counts (kind, n) VALUES ('entity', 0), ('interaction', 0);
        """,
    ];
}
