using Microsoft.Playwright;

namespace VirtAppliance.Web.Tests;

/// <summary>Debian's Chromium, headless, driven by Playwright; no browser is ever downloaded.</summary>
internal static class Browser
{
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name), FullPage = true });
    }
}

/// <summary>Figures the tests measure but do not assert (memory, scrape time): appended to TestResults/measurements.txt.</summary>
internal static class Measurements
{
    private static readonly Lock Gate = new();

    public static void Record(string line)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        lock (Gate)
            File.AppendAllText(Path.Combine(folder, "measurements.txt"), line + Environment.NewLine);
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
