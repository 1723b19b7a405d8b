using System.Diagnostics;
using System.Runtime.CompilerServices;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Tests.Store;

/// <summary>
/// When the test assembly is started with VA_CRASH_ROOT set, it does not run tests: it installs
/// VA_CRASH_PACKAGE into VA_CRASH_ROOT and kills itself (SIGKILL) at install step VA_CRASH_STEP.
/// </summary>
internal static class CrashChild
{
    public const string RootVariable = "VA_CRASH_ROOT";
    public const string PackageVariable = "VA_CRASH_PACKAGE";
    public const string StepVariable = "VA_CRASH_STEP";
    public const int CompletedExitCode = 42;

#pragma warning disable CA2255 // the test assembly is an executable; this is its second entry point
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunIfAsked()
    {
        var root = Environment.GetEnvironmentVariable(RootVariable);
        if (string.IsNullOrEmpty(root))
            return;

        var package = Environment.GetEnvironmentVariable(PackageVariable)!;
        var killAt = int.Parse(Environment.GetEnvironmentVariable(StepVariable)!, System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        var options = new InstallOptions
        {
            AllowUnsigned = true,
            StepHook = step =>
            {
                if (++count == killAt)
                {
                    Console.Out.WriteLine($"killed at step {count}: {step}");
                    Console.Out.Flush();
                    using var self = Process.GetCurrentProcess();
                    self.Kill();
                    Thread.Sleep(Timeout.Infinite);
                }
            },
        };
        new ApplianceStore(root).InstallAsync(package, options, null, CancellationToken.None).GetAwaiter().GetResult();
        Console.Out.WriteLine($"completed after {count} steps");
        Environment.Exit(CompletedExitCode);
    }
}
