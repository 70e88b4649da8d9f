using System.Collections.Concurrent;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Schemas;
using Intake.Core.Storage;

namespace Intake.Core.Records;

/// <summary>
/// Resolves record type names for a dataset: the built-in types, then the dataset's custom types, whose
/// definitions are stored with the dataset and compiled once per distinct definition. Thread-safe.
/// </summary>
public sealed class RecordTypeRegistry(IJobStore jobs, RecordTypeCatalog catalog, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Name, string Definition), RecordType> _compiled = new();

    public RecordTypeCatalog Catalog => catalog;

    /// <summary>The dataset's custom types by name (case-insensitive).</summary>
    public async Task<IReadOnlyDictionary<string, RecordType>> CustomTypesAsync(string datasetId, CancellationToken cancellationToken)
    {
        var stored = await jobs.ListRecordTypesAsync(datasetId, cancellationToken);
        return stored.ToDictionary(t => t.Name, Compile, StringComparer.OrdinalIgnoreCase);
    }

    public async Task<IReadOnlyList<StoredRecordType>> DefinitionsAsync(string datasetId, CancellationToken cancellationToken) =>
        await jobs.ListRecordTypesAsync(datasetId, cancellationToken);

    /// <summary>A built-in or custom type of the dataset, or null.</summary>
    public async Task<RecordType?> FindAsync(string datasetId, string name, CancellationToken cancellationToken) =>
        catalog.Find(name) ?? catalog.Find(name, await CustomTypesAsync(datasetId, cancellationToken));

    /// <summary>
    /// Compiles and saves a custom record type. Built-in names cannot be redefined; an invalid definition is
    /// refused with <c>invalid_schema</c> and nothing is saved.
    /// </summary>
    public async Task<RecordType> DefineAsync(string datasetId, string name, string definition, CancellationToken cancellationToken)
    {
        if (catalog.IsBuiltIn(name) || string.Equals(name, RecordTypeCatalog.Auto, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntakeException(ErrorCodes.InvalidSchema, $"Record type [{name}] is built in and cannot be redefined; choose another name.");
        }

        var type = SchemaRecordType.FromDefinition(name, Encoding.UTF8.GetBytes(definition));
        await jobs.SaveRecordTypeAsync(datasetId, name, definition, time.GetUtcNow(), cancellationToken);
        _compiled[(name, definition)] = type;
        return type;
    }

    private RecordType Compile(StoredRecordType stored) =>
        _compiled.GetOrAdd((stored.Name, stored.Definition), key => SchemaRecordType.FromDefinition(key.Name, Encoding.UTF8.GetBytes(key.Definition)));
}
