namespace Intake.Storage.Postgres.Migrations;

/// <summary>
/// The store's schema, one script per version, applied in order by <see cref="PostgresMigrator"/>. The control
/// plane mirrors the SQLite store's; records live in two tables per dataset, made on first use by
/// <see cref="DatasetTables"/> and listed in <c>record_sets</c>.
/// </summary>
internal static class Schema
{
    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE datasets (
            id text PRIMARY KEY,
            name text NOT NULL,
            description text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );

        CREATE TABLE imports (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            dataset_id text NOT NULL,
            request text NOT NULL,
            record_type text NOT NULL,
            resolved_record_type text,
            source_url text,
            status text NOT NULL,
            created_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            payload_id text,
            payload_bytes bigint,
            archived boolean NOT NULL DEFAULT false,
            error_code text,
            error_message text,
            bytes_read bigint NOT NULL DEFAULT 0,
            records_read bigint NOT NULL DEFAULT 0,
            records_written bigint NOT NULL DEFAULT 0,
            records_rejected bigint NOT NULL DEFAULT 0,
            upload_job_id text,
            load_job_id text,
            idempotency_key text UNIQUE
        );
        CREATE INDEX imports_dataset ON imports (dataset_id, seq);
        CREATE INDEX imports_upload_job ON imports (upload_job_id);
        CREATE INDEX imports_load_job ON imports (load_job_id);

        CREATE TABLE import_tags (
            tag text NOT NULL,
            import_seq bigint NOT NULL,
            PRIMARY KEY (tag, import_seq)
        );
        CREATE INDEX import_tags_import ON import_tags (import_seq);

        CREATE SEQUENCE job_order;

        CREATE TABLE jobs (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            kind text NOT NULL,
            status text NOT NULL,
            dataset_id text NOT NULL,
            import_id text,
            order_seq bigint,
            queued_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            error_code text,
            error_message text,
            canceled_by text,
            claimed_by text,
            lease_until bigint,
            attempts integer NOT NULL DEFAULT 0,
            received bigint NOT NULL DEFAULT 0,
            loaded bigint NOT NULL DEFAULT 0,
            rejected bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX jobs_open ON jobs (dataset_id, order_seq) WHERE status IN ('queued', 'processing');
        CREATE INDEX jobs_status ON jobs (status, order_seq);
        CREATE INDEX jobs_import ON jobs (import_id);
        CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

        CREATE TABLE job_history (
            seq bigserial PRIMARY KEY,
            job_id text NOT NULL,
            status text NOT NULL,
            at bigint NOT NULL,
            reason text
        );
        CREATE INDEX job_history_job ON job_history (job_id, seq);

        CREATE TABLE record_types (
            dataset_id text NOT NULL,
            name text NOT NULL,
            definition text NOT NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY (dataset_id, name)
        );

        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            name text NOT NULL,
            scopes integer NOT NULL,
            signed boolean NOT NULL,
            verifier bytea NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint
        );

        CREATE TABLE key_nonces (
            key_id text NOT NULL,
            nonce text NOT NULL,
            expires_at bigint NOT NULL,
            PRIMARY KEY (key_id, nonce)
        );

        CREATE TABLE record_sets (
            dataset_id text PRIMARY KEY,
            n serial NOT NULL UNIQUE,
            entities bigint NOT NULL DEFAULT 0,
            interactions bigint NOT NULL DEFAULT 0,
            min_ts bigint,
            max_ts bigint
        );

        CREATE TABLE record_type_names (
            id serial PRIMARY KEY,
            name text NOT NULL UNIQUE
        );

        CREATE TABLE attribute_types (
            dataset_id text NOT NULL,
            name text NOT NULL,
            type text NOT NULL,
            PRIMARY KEY (dataset_id, name)
        );

        CREATE TABLE load_errors (
            dataset_id text NOT NULL,
            import_id text NOT NULL,
            seq integer NOT NULL,
            line bigint NOT NULL,
            error_id text NOT NULL,
            code text NOT NULL,
            message text NOT NULL,
            field text,
            PRIMARY KEY (import_id, seq)
        );

        CREATE TABLE applied_loads (
            import_id text PRIMARY KEY,
            dataset_id text NOT NULL,
            record_type text NOT NULL,
            read bigint NOT NULL,
            written bigint NOT NULL,
            rejected bigint NOT NULL,
            deleted bigint NOT NULL
        );

        CREATE TABLE payloads (
            id text PRIMARY KEY,
            length bigint NOT NULL,
            created_at bigint NOT NULL
        );

        CREATE TABLE payload_chunks (
            payload_id text NOT NULL,
            seq integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (payload_id, seq)
        );
        -- Chunks are sized to fit a page inline (see PostgresPayloadStore), never moved to TOAST; text compresses
        -- (lz4, fast) to several chunks per page, already-compressed files stay one per page.
        -- A server built without lz4 stores them uncompressed (PLAIN) rather than with the much slower pglz.
        DO $$
        BEGIN
            ALTER TABLE payload_chunks ALTER COLUMN data SET STORAGE MAIN, ALTER COLUMN data SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported THEN
            ALTER TABLE payload_chunks ALTER COLUMN data SET STORAGE PLAIN;
        END $$;
        """,
        """
        -- Secrets the server makes for itself (the HMAC key of upload URL tokens), shared so every node agrees.
        CREATE TABLE server_secrets (
            name text PRIMARY KEY,
            value bytea NOT NULL,
            created_at bigint NOT NULL
        );
        """,
        """
        -- A discarded load (failed) commits its marker too, with the reason; an applied one has none.
        ALTER TABLE applied_loads ADD COLUMN error_code text, ADD COLUMN error_message text;
        """,
        """
        -- deleted_at: when a delete_batch job removed the import's records (data-batch shows the batch as deleted).
        -- warnings: what the load noticed but did not refuse (a sniffed delimiter, ignored columns), as a JSON array.
        ALTER TABLE imports ADD COLUMN deleted_at bigint;
        ALTER TABLE imports ADD COLUMN warnings text;
        -- csv_text: a string attribute typed only by CSV text cells, which a list may widen (AttributeTypeMap).
        ALTER TABLE attribute_types ADD COLUMN csv_text boolean NOT NULL DEFAULT false;
        """,
        """
        ALTER TABLE job_history ADD COLUMN node text;
        """,
        """
        CREATE TABLE webhooks (
            id text PRIMARY KEY,
            url text NOT NULL,
            events text NOT NULL,
            datasets text,
            secret text NOT NULL,
            created_at bigint NOT NULL,
            deleted_at bigint
        );

        CREATE TABLE webhook_deliveries (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            webhook_id text NOT NULL,
            event text NOT NULL,
            dataset_id text,
            import_id text,
            job_id text,
            created_at bigint NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at bigint NOT NULL,
            finished_at bigint,
            last_status_code integer,
            last_error text,
            body text,
            claimed_by text,
            lease_until bigint
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

        CREATE TABLE webhook_attempts (
            delivery_id text NOT NULL,
            attempt integer NOT NULL,
            at bigint NOT NULL,
            duration_ms integer NOT NULL,
            status_code integer,
            error text,
            sent_by text NOT NULL,
            PRIMARY KEY (delivery_id, attempt)
        );
        """,
        """
        -- An import that applies a plan names it; one apply per plan.
        ALTER TABLE imports ADD COLUMN plan_id text;
        CREATE UNIQUE INDEX imports_plan ON imports (plan_id) WHERE plan_id IS NOT NULL;

        -- What the load kept with its marker (a JSON document: the data version it saw, a plan's changes), and the
        -- data version: one more for every change to a dataset's records or attribute types (applied load, clear,
        -- batch delete, declared types), so an apply can tell whether the dataset changed since its plan.
        ALTER TABLE applied_loads ADD COLUMN report text;
        ALTER TABLE record_sets ADD COLUMN version bigint NOT NULL DEFAULT 0;
        """,
        """
        -- A dataset's quality settings (timestamp floor, thresholds) as a JSON document; null for none.
        ALTER TABLE datasets ADD COLUMN quality text;
        """,
        """
        -- The stored records a replace load deleted, on its import and its dataset_load job.
        ALTER TABLE imports ADD COLUMN records_deleted bigint NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN deleted bigint NOT NULL DEFAULT 0;
        """,
        """
        -- Staged files are compressed by the node that receives them: encoding 'br' (Brotli); null is a file stored as
        -- it came, by an older node. Their chunks no longer compress at the server.
        ALTER TABLE payloads ADD COLUMN encoding text;
        ALTER TABLE payload_chunks ALTER COLUMN data SET STORAGE PLAIN;
        """,
    ];
}
