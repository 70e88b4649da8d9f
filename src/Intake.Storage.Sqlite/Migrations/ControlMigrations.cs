namespace Intake.Storage.Sqlite.Migrations;

/// <summary>The control database's schema, one script per version; applied in order, each in its own transaction.</summary>
internal static class ControlMigrations
{
    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );

        CREATE TABLE imports (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            dataset_id TEXT NOT NULL,
            request TEXT NOT NULL,
            record_type TEXT NOT NULL,
            resolved_record_type TEXT,
            source_url TEXT,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            payload_id TEXT,
            payload_bytes INTEGER,
            archived INTEGER NOT NULL DEFAULT 0,
            error_code TEXT,
            error_message TEXT,
            bytes_read INTEGER NOT NULL DEFAULT 0,
            records_read INTEGER NOT NULL DEFAULT 0,
            records_written INTEGER NOT NULL DEFAULT 0,
            records_rejected INTEGER NOT NULL DEFAULT 0,
            upload_job_id TEXT,
            load_job_id TEXT,
            idempotency_key TEXT UNIQUE
        );
        CREATE INDEX imports_dataset ON imports (dataset_id, seq);

        CREATE TABLE import_tags (
            tag TEXT NOT NULL,
            import_seq INTEGER NOT NULL,
            PRIMARY KEY (tag, import_seq)
        ) WITHOUT ROWID;

        CREATE TABLE jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            import_id TEXT,
            order_seq INTEGER,
            queued_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            error_code TEXT,
            error_message TEXT,
            canceled_by TEXT,
            claimed_by TEXT,
            lease_until INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            received INTEGER NOT NULL DEFAULT 0,
            loaded INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX jobs_open ON jobs (dataset_id, order_seq) WHERE status IN ('queued', 'processing');
        CREATE INDEX jobs_status ON jobs (status, order_seq);
        CREATE INDEX jobs_import ON jobs (import_id);

        CREATE TABLE job_history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL,
            status TEXT NOT NULL,
            at INTEGER NOT NULL,
            reason TEXT
        );
        CREATE INDEX job_history_job ON job_history (job_id, seq);

        CREATE TABLE order_sequence (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO order_sequence (id, value) VALUES (1, 0);
        """,
        """
        CREATE TABLE record_types (
            dataset_id TEXT NOT NULL,
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (dataset_id, name)
        );
        """,
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            scopes INTEGER NOT NULL,
            signed INTEGER NOT NULL,
            verifier BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );

        CREATE TABLE key_nonces (
            key_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (key_id, nonce)
        ) WITHOUT ROWID;
        """,
        """
        -- Secrets the server makes for itself (the HMAC key of upload URL tokens), kept so restarts agree.
        CREATE TABLE server_secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            created_at INTEGER NOT NULL
        );
        """,
        """
        -- deleted_at: when a delete_batch job removed the import's records (data-batch shows the batch as deleted).
        -- warnings: what the load noticed but did not refuse (a sniffed delimiter, ignored columns), as a JSON array.
        ALTER TABLE imports ADD COLUMN deleted_at INTEGER;
        ALTER TABLE imports ADD COLUMN warnings TEXT;
        """,
        """
        ALTER TABLE job_history ADD COLUMN node TEXT;
        """,
        """
        CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            datasets TEXT,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            deleted_at INTEGER
        );

        CREATE TABLE webhook_deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            webhook_id TEXT NOT NULL,
            event TEXT NOT NULL,
            dataset_id TEXT,
            import_id TEXT,
            job_id TEXT,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            finished_at INTEGER,
            last_status_code INTEGER,
            last_error TEXT,
            body TEXT,
            claimed_by TEXT,
            lease_until INTEGER
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

        CREATE TABLE webhook_attempts (
            delivery_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            status_code INTEGER,
            error TEXT,
            sent_by TEXT NOT NULL,
            PRIMARY KEY (delivery_id, attempt)
        ) WITHOUT ROWID;
        """,
        """
        -- An import that applies a plan names it; one apply per plan.
        ALTER TABLE imports ADD COLUMN plan_id TEXT;
        CREATE UNIQUE INDEX imports_plan ON imports (plan_id) WHERE plan_id IS NOT NULL;
        """,
        """
        -- A dataset's quality settings (timestamp floor, thresholds) as a JSON document; null for none.
        ALTER TABLE datasets ADD COLUMN quality TEXT;
        """,
        """
        -- The stored records a replace load deleted, on its import and its dataset_load job.
        ALTER TABLE imports ADD COLUMN records_deleted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
        """,
    ];
}
