using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>A dataset: a named container of records.</summary>
public sealed record Dataset
{
    /// <summary>The dataset's id (a slug).</summary>
    public required string Id { get; init; }

    /// <summary>Its display name.</summary>
    public required string Name { get; init; }

    /// <summary>Its description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its name or description last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its record counts; present on a single dataset, absent in lists.</summary>
    public RecordCounts? Counts { get; init; }

    /// <summary>Fields this version of the client does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>How many current records a dataset holds.</summary>
public sealed record RecordCounts(long Entities, long Interactions, long Total);

/// <summary>A dataset's record types and attribute types.</summary>
public sealed record DatasetSchema(IReadOnlyList<RecordTypeInfo> RecordTypes, IReadOnlyDictionary<string, string> AttributeTypes);

/// <summary>A record type: built in, or defined for the dataset (then <see cref="Definition"/> is its stored definition).</summary>
public sealed record RecordTypeInfo(string Name, string Kind, IReadOnlyList<string> RequiredFields, bool BuiltIn, JsonElement? Definition);
