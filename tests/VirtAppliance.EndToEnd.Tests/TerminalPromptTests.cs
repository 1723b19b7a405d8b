using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>deploy on a real terminal (tmux) asks for a required value nobody gave, and deploys with the answer.</summary>
public class TerminalPromptTests
{
    [Fact]
    public async Task Deploy_on_a_terminal_asks_for_a_required_value_and_uses_the_answer()
    {
        // Given a store with tiny 2.0, whose mail_host is required and has no default
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-e2e-tty-{Guid.NewGuid().ToString("N")[..8]}";
        var session = $"va-e2e-{Guid.NewGuid().ToString("N")[..8]}";
        var launcher = Path.Combine(CliRunner.RepositoryRoot, "virt-appliance");
        var command = $"'{launcher}' deploy tiny@2.0 --name {name} --root '{root}' --connect qemu:///system --virt-type qemu; echo virt-appliance-exit=$?; sleep 600";

        try
        {
            // When deploy runs on a terminal without --set mail_host
            Tools.Run("tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", "env", "TERM=xterm", "bash", "-c", command);
            await WaitForScreenAsync(session, screen => screen.Contains("(mail_host, host):", StringComparison.Ordinal), TimeSpan.FromMinutes(4));
            Tools.Run("tmux", "send-keys", "-t", session, "mail.example.test", "Enter");
            var screen = await WaitForScreenAsync(session, screen => screen.Contains("virt-appliance-exit=", StringComparison.Ordinal), TimeSpan.FromMinutes(4));

            // Then it deployed, and the guest got the answer
            screen.ShouldContain("virt-appliance-exit=0");
            screen.ShouldContain($"deployed {name} from tiny@2.0-1");
            File.ReadAllText(Path.Combine(root, "instances", name, "console.log"))
                .ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: mail_host=mail.example.test");
        }
        finally
        {
            await ExternalToolRun("tmux", "kill-session", "-t", session);
            await CliRunner.InProcessAsync("undeploy", name, "--delete-data", "--root", root);
        }
    }

    private static async Task<string> WaitForScreenAsync(string session, Func<string, bool> done, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var screen = "";
        while (clock.Elapsed < timeout)
        {
            screen = Tools.Run("tmux", "capture-pane", "-p", "-J", "-S", "-100", "-t", session);
            if (done(screen))
                return screen;
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"the terminal did not show what was expected within {timeout}; it shows:\n{screen}");
    }

    private static Task ExternalToolRun(string program, params string[] args) =>
        Core.Internal.ExternalTool.RunUncheckedAsync(program, args, cancellationToken: CancellationToken.None);
}
