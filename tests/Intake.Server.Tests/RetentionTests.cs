using System.Net;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>Retention (DESIGN.md 2.10), run as the maintenance service runs it, at a time past the retention periods.</summary>
public abstract class RetentionTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task Expired_staged_files_jobs_and_errors_go_while_the_import_and_its_records_stay()
    {
        await _client.EnsureDatasetAsync("retention");
        var import = await _client.ImportAsync("retention", "id,type,name,metadata,media_url\nkept,p,x,,\n,p,missing id,,\n");
        var id = (string)import["id"]!;
        Assert.Single(await _client.ErrorsAsync(id));
        var staged = Directory.GetFiles(Path.Combine(factory.DataDirectory, "staged"));
        Assert.NotEmpty(staged);

        var later = DateTimeOffset.UtcNow.AddDays(31);
        foreach (var operation in factory.Services.GetServices<IMaintenanceOperation>())
        {
            Assert.True(await operation.RunAsync(later, CancellationToken.None) > 0, operation.Description);
        }

        Assert.All(staged, file => Assert.False(File.Exists(file)));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync($"/v1/jobs/{(string)import["jobs"]!["dataset_load"]!}")).StatusCode);
        Assert.Empty(await _client.ErrorsAsync(id));
        Assert.Equal("completed_with_errors", (string)(await _client.GetImportAsync(id))["status"]!);
        Assert.Equal(HttpStatusCode.OK, (await _client.Http.GetAsync("/v1/datasets/retention/entities/p/kept")).StatusCode);
    }
}

public sealed class SqliteRetentionTests(SqliteServerFactory factory) : RetentionTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresRetentionTests(PostgresRetentionTests.StagedInDirectory factory) : RetentionTests(factory), IClassFixture<PostgresRetentionTests.StagedInDirectory>
{
    /// <summary>
    /// Staged files in a directory (the shared-directory cluster setting) rather than in PostgreSQL, so this test
    /// can see them on disk as it does on SQLite.
    /// </summary>
    public sealed class StagedInDirectory() : PostgresServerFactory(new Dictionary<string, string?> { ["Postgres:StagedFiles"] = "directory" });
}
