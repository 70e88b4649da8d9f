using Intake.Server.Api;
using Intake.Server.Compat.DataBatch;
using Intake.Server.Compat.TableBatch;
using Intake.Server.Hosting;

var builder = WebApplication.CreateBuilder(ServerArguments.WithoutVerb(args));
builder.AddIntakeServer();

var app = builder.Build();
app.UseIntakeServer();
app.MapOperationsEndpoints();
app.MapDatasetsEndpoints();
app.MapImportsEndpoints();
app.MapUploadsEndpoints();
app.MapKeysEndpoints();
app.MapJobsEndpoints();
app.MapRecordsEndpoints();
app.MapDataBatchEndpoints();
app.MapTableBatchEndpoints();

app.Run();

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
