namespace Intake.Storage.Sqlite; internal static class Placeholder { }
