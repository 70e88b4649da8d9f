namespace Intake.Cli;

/// <summary>Every command's help ends with a worked example.</summary>
internal static class Help
{
    public static string WithExample(string description, params string[] examples) =>
        $"{description}\n\nExample:\n{string.Join('\n', examples.Select(e => "  " + e))}";
}
