using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Intake.Console.Tests.Infrastructure;

public static class Accessibility
{
    /// <summary>Runs axe on the page as it is now and fails on any serious or critical violation, naming each.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe on {what}:\n" + string.Join("\n", serious.Select(Describe)));
    }

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Impact} {violation.Id}: {violation.Help} at {string.Join("; ", violation.Nodes.Select(n => n.Target?.ToString() ?? "?"))} ({violation.Nodes.FirstOrDefault()?.Html})";
}
