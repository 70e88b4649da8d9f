using System.Data.Common;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Storage.Relational;

/// <summary>Current records as both SQL stores select them (same columns, same order).</summary>
public static class RecordRows
{
    /// <summary>The columns of <see cref="ReadEntity"/>, for entities <c>e</c> joined to their record type's name <c>t</c>.</summary>
    public const string EntityColumns = "e.type, e.id, e.name, e.media_url, e.attrs, t.name, e.batch";

    /// <summary>The columns of <see cref="ReadInteraction"/>, for interactions <c>i</c> joined to their record type's name <c>t</c>.</summary>
    public const string InteractionColumns = "i.type, i.source_id, i.target_id, i.ts, i.value, i.attrs, t.name, i.batch";

    /// <summary>
    /// The export order (docs/api.md), the same on both stores: entities by key, interactions by time then key.
    /// Key columns compare byte-wise on both (SQLite's BINARY collation, PostgreSQL's "C"), so two exports of the
    /// same records are byte-identical. Neither store keeps an index in this order; the sort spills to disk.
    /// </summary>
    public const string EntityExportOrder = "ORDER BY e.type, e.id";

    /// <inheritdoc cref="EntityExportOrder"/>
    public const string InteractionExportOrder = "ORDER BY i.ts, i.type, i.source_id, i.target_id";

    /// <summary>The columns of <see cref="ReadRejection"/>.</summary>
    public const string RejectionColumns = "line, error_id, code, message, field";

    /// <summary>The columns of <see cref="ReadAppliedLoad"/>, from <c>applied_loads</c>.</summary>
    public const string AppliedLoadColumns = "record_type, read, written, rejected, deleted, error_code, error_message, report";

    public static AppliedLoad ReadAppliedLoad(DbDataReader reader) => new(
        new LoadTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(0)),
        reader.IsDBNull(5) ? null : new JobError(reader.GetString(5), reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    public static RecordRejection ReadRejection(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.NullableString(4));

    public static StoredRecord ReadEntity(DbDataReader reader) => new(
        RecordKind.Entity, reader.GetString(0), reader.GetString(1), null, null, reader.NullableString(2), reader.NullableString(3), null,
        reader.NullableString(4), reader.GetString(5), reader.GetInt64(6));

    public static StoredRecord ReadInteraction(DbDataReader reader) => new(
        RecordKind.Interaction, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
        null, null, reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.NullableString(5), reader.GetString(6), reader.GetInt64(7));
}
