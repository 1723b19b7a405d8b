using System.Diagnostics;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

/// <summary>Runs the real tools (virt-xml-validate, virsh); a missing tool fails the test with what to install.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => (Output + "\n" + Error).Trim();
    }

    public static async Task<Result> RunAsync(string tool, IReadOnlyList<string> arguments, string whatToInstall)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            Assert.Fail($"{tool} cannot be run ({error.Message}); install {whatToInstall} (scripts/prereqs.sh does).");
            throw;
        }

        using (process)
        {
            var cancellation = TestContext.Current.CancellationToken;
            var output = process.StandardOutput.ReadToEndAsync(cancellation);
            var error = process.StandardError.ReadToEndAsync(cancellation);
            await process.WaitForExitAsync(cancellation);
            return new Result(process.ExitCode, await output, await error);
        }
    }

    /// <summary>Validates domain XML with libvirt's own RELAX NG schema.</summary>
    public static async Task<Result> ValidateDomainAsync(string xml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-appliance-domain-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, xml, TestContext.Current.CancellationToken);
        try
        {
            var result = await RunAsync("virt-xml-validate", [file, "domain"], "libvirt-clients and libxml2-utils");
            if (result.ExitCode == 127 || result.All.Contains("xmllint: not found", StringComparison.Ordinal))
            {
                Assert.Fail($"virt-xml-validate needs xmllint: install libxml2-utils (scripts/prereqs.sh does). {result.All}");
            }

            return result;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
