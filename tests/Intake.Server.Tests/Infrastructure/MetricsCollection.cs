namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// Test classes that read <c>/metrics</c> run alone: OpenTelemetry subscribes to meters by name, so the <c>Intake</c>
/// meters of other test servers in this process would be counted too (one server per process has one meter).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
