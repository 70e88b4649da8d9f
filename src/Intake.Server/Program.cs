using Intake.Server.Hosting;

IntakeServerHost.Build(args).Run();

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
