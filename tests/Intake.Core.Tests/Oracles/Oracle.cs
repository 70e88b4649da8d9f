using System.Globalization;

namespace Intake.Core.Tests.Oracles;

/// <summary>
/// How long the property, differential and fuzz tests run. In CI each keeps to a few seconds (all of them
/// together well under a minute); <c>INTAKE_ORACLE_SCALE=N</c> multiplies every count by N for a long run
/// on demand (see tests/Intake.Core.Tests/Oracles/README.md).
/// </summary>
internal static class Oracle
{
    public static int Scale { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("INTAKE_ORACLE_SCALE"), NumberStyles.None, CultureInfo.InvariantCulture, out var scale) && scale > 0 ? scale : 1;

    public static int Runs(int inCi) => checked(inCi * Scale);
}
