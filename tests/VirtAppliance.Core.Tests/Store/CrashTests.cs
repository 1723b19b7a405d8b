using Shouldly;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

public class CrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_install_killed_at_any_step_leaves_nothing_or_the_whole()
    {
        // Given: a store with one appliance, the state after a clean install of a second, and the package
        using var folder = new TestFolder();
        var other = await TestAppliance.PackAsync(folder, "other");
        var package = await TestAppliance.PackAsync(folder);
        var unsigned = new InstallOptions { AllowUnsigned = true };
        var reference = new ApplianceStore(folder["reference"]);
        await reference.InstallAsync(other, unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(reference.Root);
        await reference.InstallAsync(package, unsigned, null, Ct);
        var after = await StoreSnapshot.TakeAsync(reference.Root);

        var outcomes = new List<string>();
        for (var step = 1; step < 100; step++)
        {
            var root = folder[$"root{step}"];
            await new ApplianceStore(root).InstallAsync(other, unsigned, null, Ct);

            // When: a child process installs and is killed at this step
            var child = RunChild(root, package, step);

            // Then: once recovered, the store is exactly as before or exactly installed, and usable
            var store = new ApplianceStore(root);
            await store.CollectGarbageAsync(Ct);
            var state = await StoreSnapshot.TakeAsync(root);
            if (state != before)
                state.ShouldBe(after, $"killed at step {step}: {child.Stdout}");
            outcomes.Add($"{step}: {(state == before ? "nothing" : "whole")} ({child.Stdout.Trim()})");
            var again = await store.InstallAsync(package, unsigned, null, Ct);
            again.AlreadyInstalled.ShouldBe(state == after);
            (await StoreSnapshot.TakeAsync(root)).ShouldBe(after);
            Directory.Delete(root, recursive: true);

            if (child.ExitCode == CrashChild.CompletedExitCode)
                break;
            child.ExitCode.ShouldBe(137, child.Stderr); // 128 + SIGKILL
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", outcomes));
        outcomes.Count.ShouldBeGreaterThan(8);
        outcomes.ShouldContain(o => o.Contains("nothing", StringComparison.Ordinal));
        outcomes[^2].ShouldContain("whole"); // killed after indexing
    }

    // Process.Kill sends SIGKILL; .NET reports it as 137.
    private static ExternalToolResult RunChild(string root, string package, int step) =>
        Tools.TryRun("dotnet", new Dictionary<string, string>
        {
            [CrashChild.RootVariable] = root,
            [CrashChild.PackageVariable] = package,
            [CrashChild.StepVariable] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, typeof(CrashChild).Assembly.Location);
}
