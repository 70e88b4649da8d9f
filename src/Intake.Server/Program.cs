using Intake.Server.Api;
using Intake.Server.Hosting;

var builder = WebApplication.CreateBuilder(ServerArguments.WithoutVerb(args));
builder.AddIntakeServer();

var app = builder.Build();
app.UseIntakeServer();
app.MapOperationsEndpoints();
app.MapDatasetsEndpoints();
app.MapImportsEndpoints();
app.MapJobsEndpoints();
app.MapRecordsEndpoints();

app.Run();

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
