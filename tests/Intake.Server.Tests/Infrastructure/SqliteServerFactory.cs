namespace Intake.Server.Tests.Infrastructure;

/// <summary>The server on the embedded SQLite store, shared by the tests of one class.</summary>
public sealed class SqliteServerFactory : IntakeServerFactory
{
}
