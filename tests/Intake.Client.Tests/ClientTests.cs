using System.Text;
using System.Text.Json;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Client.Tests;

/// <summary>The client library against the real server on a real socket (development mode: no key needed).</summary>
public abstract class ClientTests(IntakeServerFactory factory) : IDisposable
{
    private readonly IntakeClient _client = ServerFixture.ClientOf(factory);

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task An_upload_reports_its_bytes_and_the_import_is_followed_to_its_end()
    {
        var cancellationToken = ServerFixture.Timeout();
        await _client.Datasets.CreateAsync("client-follow", "Follow", cancellationToken: cancellationToken);
        var file = ServerFixture.Entities(60_000);
        var sent = new ServerFixture.Recorder<long>();
        var snapshots = new ServerFixture.Recorder<ImportProgress>();

        var operation = await _client.Imports.StartImportAsync("client-follow", new MemoryStream(file),
            new ImportOptions { UploadProgress = sent, Tags = ["bulk"], FileName = "products.csv" }, cancellationToken);
        var result = await operation.WaitForCompletionAsync(snapshots, cancellationToken);

        Assert.True(sent.Values.Count > 1, $"one report per chunk sent, got {sent.Values.Count}");
        Assert.Equal(sent.Values.Order(), sent.Values);
        Assert.Equal(file.Length, sent.Values[^1]);
        Assert.NotEmpty(snapshots.Values);
        Assert.Equal(ImportStatus.Completed, snapshots.Values[^1].Status);
        Assert.All(snapshots.Values.SkipLast(1), s => Assert.False(s.Status.IsFinal));
        Assert.Equal(ImportStatus.Completed, result.Import.Status);
        Assert.Equal(60_000, result.RecordsWritten);
        Assert.Equal(["bulk"], result.Import.Tags);
        Assert.Equal("products.csv", result.Import.FileName);
        Assert.True(operation.HasCompleted);
        Assert.Equal(60_000, (await _client.Datasets.GetAsync("client-follow", cancellationToken)).Counts!.Entities);
    }

    [Fact]
    public async Task Rejected_records_come_back_in_the_result_and_as_a_stream_of_errors()
    {
        var cancellationToken = ServerFixture.Timeout();
        await _client.Datasets.CreateAsync("client-errors", "Errors", cancellationToken: cancellationToken);
        var csv = "id,type,name,metadata,media_url\nA,p,a,\"{\"\"price\"\": 1}\",\nB,p,b,\"{\"\"price\"\": \"\"high\"\"}\",\nC,p,c,\"{\"\"price\"\": \"\"low\"\"}\",\n";

        var operation = await _client.Imports.StartImportAsync("client-errors", new MemoryStream(Encoding.UTF8.GetBytes(csv)), cancellationToken: cancellationToken);
        var result = await operation.WaitForCompletionAsync(cancellationToken: cancellationToken);
        var errors = await _client.Imports.GetErrorsAsync(operation.Id, cancellationToken).ToListAsync(cancellationToken);

        Assert.True(result.HasRejections);
        Assert.Equal((3, 1, 2), (result.RecordsRead, result.RecordsWritten, result.RecordsRejected));
        Assert.Equal(2, result.Import.Errors!.Count);
        Assert.Equal([(3L, "p/B", "InvalidType", "price"), (4L, "p/C", "InvalidType", "price")], errors.Select(e => (e.Line, e.ErrorId, e.Code, e.Field!)));
        Assert.Equal("Attribute price with value [high] is not of integer type.", errors[0].Message);
    }

    [Fact]
    public async Task A_replace_reports_the_stored_records_it_deleted_and_a_dataset_is_named_by_its_id_by_default()
    {
        var cancellationToken = ServerFixture.Timeout();
        var created = await _client.Datasets.CreateAsync("client-replace", null, cancellationToken: cancellationToken);
        await (await _client.Imports.StartImportAsync("client-replace", new MemoryStream(ServerFixture.Entities(10)), cancellationToken: cancellationToken))
            .WaitForCompletionAsync(cancellationToken: cancellationToken);

        var operation = await _client.Imports.StartImportAsync("client-replace", new MemoryStream(ServerFixture.Entities(4)),
            new ImportOptions { Mode = "replace" }, cancellationToken);
        var result = await operation.WaitForCompletionAsync(cancellationToken: cancellationToken);

        Assert.Equal("client-replace", created.Name);
        Assert.Equal((4L, 6L), (result.RecordsWritten, result.RecordsDeleted));
        Assert.Equal(4, (await _client.Datasets.GetAsync("client-replace", cancellationToken)).Counts!.Entities);
    }

    [Fact]
    public async Task A_failed_import_throws_ImportFailedException_with_its_code()
    {
        var cancellationToken = ServerFixture.Timeout();
        await _client.Datasets.CreateAsync("client-failed", "Failed", cancellationToken: cancellationToken);

        var operation = await _client.Imports.StartImportAsync("client-failed", new MemoryStream("nothing,useful\n1,2\n"u8.ToArray()),
            new ImportOptions { Format = "csv" }, cancellationToken);
        var failed = await Assert.ThrowsAsync<ImportFailedException>(() => operation.WaitForCompletionAsync(cancellationToken: cancellationToken));

        Assert.Equal(IntakeErrorCode.HeaderMismatch, failed.Code);
        Assert.Equal(ImportStatus.Failed, failed.Import.Status);
        Assert.Equal(0, failed.Status);
        Assert.Contains("fits no record type", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_carries_status_code_and_trace_id_and_a_missing_server_is_connection_failed()
    {
        var cancellationToken = ServerFixture.Timeout();

        var missing = await Assert.ThrowsAsync<IntakeRequestException>(() => _client.Datasets.GetAsync("no-such-dataset", cancellationToken));
        await _client.Datasets.CreateAsync("client-dup", "Dup", cancellationToken: cancellationToken);
        var duplicate = await Assert.ThrowsAsync<IntakeRequestException>(() => _client.Datasets.CreateAsync("client-dup", "Again", cancellationToken: cancellationToken));
        using var nowhere = new IntakeClient(new Uri("http://127.0.0.1:9"));
        var unreachable = await Assert.ThrowsAsync<IntakeRequestException>(() => nowhere.Datasets.GetAsync("x", cancellationToken));

        Assert.Equal((404, IntakeErrorCode.DatasetNotFound), (missing.Status, missing.Code));
        Assert.False(string.IsNullOrEmpty(missing.TraceId));
        Assert.Equal((409, IntakeErrorCode.DatasetExists), (duplicate.Status, duplicate.Code));
        Assert.Equal((0, IntakeErrorCode.ConnectionFailed), (unreachable.Status, unreachable.Code));
    }

    [Fact]
    public async Task Lists_page_by_cursor_and_export_streams_ndjson_and_csv()
    {
        var cancellationToken = ServerFixture.Timeout();
        for (var i = 0; i < 3; i++)
        {
            await _client.Datasets.CreateAsync($"client-page-{i}", $"Page {i}", cancellationToken: cancellationToken);
        }

        var pages = await _client.Datasets.List().AsPages(pageSizeHint: 2, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var operation = await _client.Imports.StartImportAsync("client-page-0", new MemoryStream(ServerFixture.Entities(25)), cancellationToken: cancellationToken);
        await operation.WaitForCompletionAsync(cancellationToken: cancellationToken);
        string ndjson, csv;
        await using (var export = await _client.Datasets.ExportAsync("client-page-0", cancellationToken: cancellationToken))
        {
            ndjson = await new StreamReader(export).ReadToEndAsync(cancellationToken);
        }

        await using (var export = await _client.Datasets.ExportAsync("client-page-0", new ExportOptions { Kind = "entity", Format = ExportFormat.Csv }, cancellationToken))
        {
            csv = await new StreamReader(export).ReadToEndAsync(cancellationToken);
        }

        var parquet = new MemoryStream();
        await using (var export = await _client.Datasets.ExportAsync("client-page-0", new ExportOptions { Kind = "entity", Format = ExportFormat.Parquet }, cancellationToken))
        {
            await export.CopyToAsync(parquet, cancellationToken);
        }

        Assert.Equal("PAR1"u8.ToArray(), parquet.ToArray()[..4]);
        Assert.Equal("PAR1"u8.ToArray(), parquet.ToArray()[^4..]);

        Assert.True(pages.Count >= 2);
        Assert.All(pages.SkipLast(1), p => Assert.NotNull(p.ContinuationToken));
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Subset(pages.SelectMany(p => p.Values).Select(d => d.Id).ToHashSet(), new HashSet<string> { "client-page-0", "client-page-1", "client-page-2" });
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(25, lines.Length);
        Assert.All(lines, l => Assert.Equal("entity", JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()));
        Assert.Equal(26, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_two_step_upload_and_a_url_import_are_followed_like_any_import()
    {
        var cancellationToken = ServerFixture.Timeout();
        await _client.Datasets.CreateAsync("client-steps", "Steps", cancellationToken: cancellationToken);
        await using var files = await LocalFileServer.StartAsync(new Dictionary<string, string> { ["/items.csv"] = Encoding.UTF8.GetString(ServerFixture.Entities(10, "url")) });

        var upload = await _client.Imports.CreateUploadAsync("client-steps", "products.csv", new ImportOptions { RecordType = "entity" }, cancellationToken);
        var sent = await _client.Imports.SendUploadAsync(upload, new MemoryStream(ServerFixture.Entities(7, "step")), cancellationToken: cancellationToken);
        var stepped = await sent.WaitForCompletionAsync(cancellationToken: cancellationToken);
        var fetched = await (await _client.Imports.StartUrlImportAsync("client-steps", new Uri(files.Url("/items.csv")), cancellationToken: cancellationToken))
            .WaitForCompletionAsync(cancellationToken: cancellationToken);
        var listed = await _client.Imports.List(new ImportFilter { DatasetId = "client-steps" }).ToListAsync(cancellationToken);
        var jobs = await _client.Jobs.List(new JobFilter { ImportId = upload.Id }).ToListAsync(cancellationToken);

        Assert.Equal(upload.Id, sent.Id);
        Assert.Equal(7, stepped.RecordsWritten);
        Assert.Equal(10, fetched.RecordsWritten);
        Assert.Equal(2, listed.Count);
        Assert.Equal(["dataset_load", "file_upload"], jobs.Select(j => j.Type).Order());
        var load = await _client.Jobs.GetAsync(jobs.Single(j => j.Type == "dataset_load").Id, cancellationToken);
        Assert.NotEmpty(load.History!);
        Assert.Equal(ImportStatus.Completed, load.Status);
    }

    [Fact]
    public async Task Only_an_imports_jobs_can_be_canceled_and_a_finished_one_is_an_illegal_transition()
    {
        var cancellationToken = ServerFixture.Timeout();
        await _client.Datasets.CreateAsync("client-cancel-done", "Done", cancellationToken: cancellationToken);
        var done = await _client.Imports.StartImportAsync("client-cancel-done", new MemoryStream(ServerFixture.Entities(3)), cancellationToken: cancellationToken);
        var finished = await done.WaitForCompletionAsync(cancellationToken: cancellationToken);
        var clear = await _client.Datasets.ClearAsync("client-cancel-done", cancellationToken);

        var notCancelable = await Assert.ThrowsAsync<IntakeRequestException>(() => _client.Jobs.CancelAsync(clear.Id, cancellationToken));
        var tooLate = await Assert.ThrowsAsync<IntakeRequestException>(() => _client.Jobs.CancelAsync(finished.Import.Jobs!.DatasetLoad!, cancellationToken));

        Assert.Equal("clear_data", clear.Type);
        Assert.Equal(IntakeErrorCode.NotCancelable, notCancelable.Code);
        Assert.Equal((409, IntakeErrorCode.IllegalTransition), (tooLate.Status, tooLate.Code));
    }
}

public sealed class SqliteClientTests(SqliteServerFactory factory) : ClientTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresClientTests(PostgresServerFactory factory) : ClientTests(factory), IClassFixture<PostgresServerFactory>;
