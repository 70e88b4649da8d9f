using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Microsoft.Extensions.Options;

namespace Intake.Server.Compat.TableBatch;

/// <summary>
/// Translates the table-batch API (seeds/001) onto the core. A table is a dataset; users live in one shared
/// dataset; a batch request is a URL import in insert mode (the document's behaviour: an element that exists
/// is not added). Status words and error codes are translated here, at the edge, and nowhere else.
/// </summary>
public sealed class TableBatchService(ImportService imports, DatasetService datasets, RecordQueries queries, IOptions<TableBatchOptions> options)
{
    /// <summary>Queues a batch request; a table that does not exist is <c>table_not_found</c>.</summary>
    public async Task<BatchRequestDto> SubmitAsync(BatchElement element, string? tableId, BatchUploadRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Url))
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, "The url of the file to import is required (JSON body or query string).");
        }

        if (request.Format is not null && !request.Format.Equals("csv", StringComparison.OrdinalIgnoreCase) &&
            !request.Format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, $"Format [{request.Format}] is not csv or json.");
        }

        var datasetId = element == BatchElement.Users ? await UsersDatasetAsync(cancellationToken) : await RequireTableAsync(tableId!, cancellationToken);
        var import = await imports.FetchAsync(new NewImport
        {
            DatasetId = datasetId,
            RecordType = RecordTypeOf(element),
            Mode = WriteMode.Insert,
            Format = request.Format?.ToLowerInvariant(),
            SourceUrl = request.Url,
            Origin = "table_batch",
        }, cancellationToken);
        return new BatchRequestDto(import.Id, StatusWord(import.Status));
    }

    /// <summary>The request's status and the elements not added; any of the three paths finds any request.</summary>
    public async Task<BatchRequestDto> GetAsync(string? tableId, string requestId, CancellationToken cancellationToken)
    {
        var import = await FindAsync(tableId, requestId, cancellationToken);
        var rejections = import.Progress.RecordsRejected > 0 || import.Status == JobStatus.CompletedWithErrors
            ? await queries.ErrorsOf(import, 0, null, cancellationToken).Select(NotAdded).ToListAsync(cancellationToken)
            : null;
        var dto = new BatchRequestDto(import.Id, StatusWord(import.Status))
        {
            Error = import.Status == JobStatus.Failed && import.Error is { } error ? new BatchErrorDto(error.Code, error.Message) : null,
        };
        return ElementOf(import.ResolvedRecordType ?? import.Request.RecordType) switch
        {
            BatchElement.Users => dto with { UsersNotAdded = rejections },
            BatchElement.Interactions => dto with { InteractionsNotAdded = rejections },
            _ => dto with { ItemsNotAdded = rejections },
        };
    }

    /// <summary>
    /// Cancels a queued request. Any other (including one that started meanwhile) is refused with 400 and the
    /// document's <c>InvalidArgumentException</c>, in a sentence with the request's status word.
    /// </summary>
    public async Task<BatchRequestDto> CancelAsync(string? tableId, string requestId, CancellationToken cancellationToken)
    {
        await FindAsync(tableId, requestId, cancellationToken);
        var (import, canceled) = await imports.CancelQueuedAsync(requestId, "table-batch api", cancellationToken);
        if (!canceled)
        {
            throw new IntakeException(ErrorCodes.InvalidArgumentException,
                $"Request {requestId} is {StatusWord(import.Status)}; only a queued request can be canceled.");
        }

        return new BatchRequestDto(import.Id, StatusWord(import.Status));
    }

    /// <summary>The document's status words: processing is <c>uploading</c> and failed is <c>error</c>.</summary>
    public static string StatusWord(JobStatus status) => status switch
    {
        JobStatus.Processing => "uploading",
        JobStatus.Failed => "error",
        _ => status.ToWire(),
    };

    /// <summary>The document's codes: an existing element, or an invalid argument for every other rejection.</summary>
    public static NotAddedDto NotAdded(RecordRejection rejection) => new(
        rejection.ErrorId,
        rejection.Code == RecordErrorCodes.EntityAlreadyExists ? "EntityAlreadyExistsException" : "InvalidArgumentException",
        rejection.Message);

    private async Task<ImportInfo> FindAsync(string? tableId, string requestId, CancellationToken cancellationToken)
    {
        if (tableId is not null)
        {
            await RequireTableAsync(tableId, cancellationToken);
        }

        return await imports.GetAsync(requestId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Batch request [{requestId}] does not exist.");
    }

    private async Task<string> RequireTableAsync(string tableId, CancellationToken cancellationToken) =>
        (await datasets.GetAsync(tableId, cancellationToken))?.Id
        ?? throw new IntakeException(ErrorCodes.TableNotFound, $"Table [{tableId}] does not exist.");

    private async Task<string> UsersDatasetAsync(CancellationToken cancellationToken) =>
        (await datasets.GetOrCreateAsync(options.Value.UsersDatasetId, "Users", cancellationToken)).Id;

    private static string RecordTypeOf(BatchElement element) => element switch
    {
        BatchElement.Users => "user",
        BatchElement.Interactions => "user_item_interaction",
        _ => "item",
    };

    private static BatchElement ElementOf(string recordType) => recordType switch
    {
        "user" => BatchElement.Users,
        "user_item_interaction" => BatchElement.Interactions,
        _ => BatchElement.Items,
    };
}
