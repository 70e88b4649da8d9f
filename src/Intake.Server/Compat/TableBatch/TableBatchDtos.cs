using System.Text.Json.Serialization;

namespace Intake.Server.Compat.TableBatch;

/// <summary>A batch request as the table-batch document shows it (camelCase, its own status words).</summary>
public sealed record BatchRequestDto(
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("status")] string Status)
{
    [JsonPropertyName("itemsNotAdded")]
    public IReadOnlyList<NotAddedDto>? ItemsNotAdded { get; init; }

    [JsonPropertyName("usersNotAdded")]
    public IReadOnlyList<NotAddedDto>? UsersNotAdded { get; init; }

    [JsonPropertyName("interactionsNotAdded")]
    public IReadOnlyList<NotAddedDto>? InteractionsNotAdded { get; init; }

    /// <summary>Why a request ended in <c>error</c> (a fetch that failed, a header that fits nothing…); absent otherwise.</summary>
    [JsonPropertyName("error")]
    public BatchErrorDto? Error { get; init; }
}

/// <summary>The reason beside <c>status: "error"</c>: Intake's failure code and a sentence saying what to do.</summary>
public sealed record BatchErrorDto(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>One element that was not added: its id, the document's exception code, and the message.</summary>
public sealed record NotAddedDto(
    [property: JsonPropertyName("errorId")] string ErrorId,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The upload request body: where the file is and its format (<c>csv</c> or <c>json</c>).</summary>
public sealed record BatchUploadRequest(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("format")] string? Format);

/// <summary>Which of the three batch endpoints a request came through.</summary>
public enum BatchElement
{
    Items,
    Users,
    Interactions,
}
