using Intake.Server.Hosting;

return await IntakeServerHost.RunAsync(args, CancellationToken.None);

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
