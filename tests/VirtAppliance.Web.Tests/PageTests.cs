using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using VirtAppliance.EndToEnd.Tests;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>The page in headless Chromium: a consumer deploys from the form, sees the VM change state live, configures it.</summary>
public class PageTests
{
    [Fact]
    public async Task A_consumer_deploys_from_the_form_sees_the_state_live_and_no_password_is_ever_shown()
    {
        // Given a store with tiny (2.0 has a required host, an optional password and a defaulted greeting) and the page in Chromium
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        await using var server = await ServeProcess.StartAsync(root, watchInterval: 3);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var name = Api.Name("page");
        var password = $"pw-{Guid.NewGuid():N}";
        try
        {
            await page.GotoAsync(server.Url.ToString());

            // When the deploy form of tiny 2.0 is opened from the keyboard and filled in
            await page.GetByRole(AriaRole.Link, new() { Name = "Deploy tiny@2.0-1" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(new Regex("/deploy/"));
            (await page.GetByLabel("Administrator password").GetAttributeAsync("type")).ShouldBe("password");
            (await page.GetByLabel("Mail host").GetAttributeAsync("required")).ShouldNotBeNull();
            (await page.GetByLabel("Greeting").InputValueAsync()).ShouldBe("hello");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await page.GetByLabel("Mail host").FillAsync("mail.example.org");
            await page.GetByLabel("Administrator password").FillAsync(password);
            await page.GetByLabel("Start it and wait until it is healthy").UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).ClickAsync();

            // Then the page says it is deployed and lists it, shut off, with its disk bars
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Deployed {name}" })).ToBeVisibleAsync();
            var row = page.Locator($"tr[data-vm=\"{name}\"]");
            await Assertions.Expect(row.Locator("[data-state]")).ToHaveTextAsync("shut off");
            (await row.Locator("meter").CountAsync()).ShouldBeGreaterThanOrEqualTo(2);
            await Assertions.Expect(page.Locator("html[data-live=connected]")).ToHaveCountAsync(1);

            // When the CLI starts it behind the page's back
            (await CliRunner.InStoreAsync(root, "start", name, "--no-wait")).ExitCode.ShouldBe(0);

            // Then the page shows it running without a reload (libvirt's event through /events)
            await Assertions.Expect(row.Locator("[data-state]")).ToHaveTextAsync("running", new() { Timeout = 30_000 });
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Stop {name}" })).ToBeVisibleAsync();
            // And a watch pass shows it healthy once it has booted, still without a reload
            try
            {
                await Assertions.Expect(row.Locator(".health")).ToHaveTextAsync("healthy", new() { Timeout = 90_000 });
            }
            catch (PlaywrightException)
            {
                var status = await CliRunner.InStoreAsync(root, "status", name);
                var fresh = await server.Client.GetStringAsync("/ui/vms", TestContext.Current.CancellationToken);
                throw new Xunit.Sdk.XunitException($"health not shown as healthy; status: {status}\n/ui/vms now: {fresh}\npage: {await row.InnerHTMLAsync()}\nserver: {server.Log}");
            }
            await Browser.ScreenshotAsync(page, "page-vms.png");

            // And its configuration page shows the password as set, never its value, and an empty password field
            await row.GetByRole(AriaRole.Link, new() { Name = $"Configure {name}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Configure {name}" })).ToBeVisibleAsync();
            (await page.GetByLabel("Administrator password").InputValueAsync()).ShouldBeEmpty();
            await Browser.ScreenshotAsync(page, "page-config.png");
            (await page.ContentAsync()).ShouldNotContain(password);
            // Every visible form control has a label a screen reader reads
            (await page.EvaluateAsync<int>("Array.from(document.querySelectorAll('input:not([type=hidden]), select')).filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).length")).ShouldBe(0);

            // And on a phone the VMs are cards that fit the screen
            var phone = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
            await phone.GotoAsync(server.Url.ToString());
            (await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("no sideways scrolling on a phone");
            await Browser.ScreenshotAsync(phone, "page-phone.png");

            server.Log.ShouldNotContain(password);
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }
}
