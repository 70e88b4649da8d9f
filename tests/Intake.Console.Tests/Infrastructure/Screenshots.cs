using Microsoft.Playwright;

namespace Intake.Console.Tests.Infrastructure;

/// <summary>
/// Saves a full-page screenshot when <c>INTAKE_CONSOLE_SCREENSHOTS</c> names a directory (docs/console/update.sh
/// sets it to docs/console); otherwise does nothing, so the suite writes no files.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("INTAKE_CONSOLE_SCREENSHOTS");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }
}
