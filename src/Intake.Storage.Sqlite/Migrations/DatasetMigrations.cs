namespace Intake.Storage.Sqlite.Migrations;

/// <summary>
/// A dataset database's schema, one script per version. Rows are appended to a rowid table, and the record
/// key is found through a non-unique index on a 64-bit hash of it (then compared field by field, so a hash
/// collision is only an extra candidate, never a wrong match). That index is about a fifth of the size of
/// a unique index on the text key, so it stays in cache, which is what makes keyed loads fast. Interactions
/// lead their index with the timestamp: a new period's events then append to the index instead of being
/// spread through all of it, so a load costs the same whether the dataset is empty or large.
/// </summary>
internal static class DatasetMigrations
{
    /// <summary>
    /// 16 KiB pages instead of SQLite's 4 KiB: a load writes every page it fills to the WAL, and spills and reads back
    /// pages past its cache, with a system call per page (two per WAL frame); a quarter of the calls made 500K-entity
    /// and 2M-interaction loads 10-15% faster (ADR 2, round six). Larger pages gained nothing clear, and cost more per
    /// small write. Databases made before keep their 4 KiB pages.
    /// </summary>
    public const int PageSize = 16384;

    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE entities (
            row INTEGER PRIMARY KEY,
            h INTEGER NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT,
            media_url TEXT,
            attrs TEXT,
            record_type INTEGER NOT NULL,
            batch INTEGER NOT NULL
        );
        CREATE INDEX entities_key ON entities (h);

        CREATE TABLE interactions (
            row INTEGER PRIMARY KEY,
            h INTEGER NOT NULL,
            type TEXT NOT NULL,
            source_id TEXT NOT NULL,
            target_id TEXT NOT NULL,
            ts INTEGER NOT NULL,
            value REAL,
            attrs TEXT,
            record_type INTEGER NOT NULL,
            batch INTEGER NOT NULL
        );
        CREATE INDEX interactions_key ON interactions (ts, h);

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
        """
        -- A discarded load (failed) commits its marker too, with the reason; an applied one has none.
        ALTER TABLE applied_loads ADD COLUMN error_code TEXT;
        ALTER TABLE applied_loads ADD COLUMN error_message TEXT;
        """,
        """
        -- A string attribute typed only by CSV text cells, which a list may widen (AttributeTypeMap).
        ALTER TABLE attribute_types ADD COLUMN csv_text INTEGER NOT NULL DEFAULT 0;
        """,
        """
        -- What the load kept with its marker (a JSON document: the data version it saw, a plan's changes).
        ALTER TABLE applied_loads ADD COLUMN report TEXT;

        -- The data version: one more for every change to the records or attribute types (applied load, clear,
        -- batch delete, declared types), so an apply can tell whether the dataset changed since its plan.
        CREATE TABLE data_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            n INTEGER NOT NULL
        );
        INSERT INTO data_version (id, n) VALUES (1, 0);
        """,
    ];
}
