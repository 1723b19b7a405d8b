using VirtAppliance.Core.Internal;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

/// <summary>libvirt's own check of domain XML (virt-xml-validate); a missing tool fails the test with what to install.</summary>
internal static class LibvirtSchema
{
    extension(ExternalToolResult result)
    {
        /// <summary>stdout and stderr together, for a failure message.</summary>
        public string All => (result.Stdout + "\n" + result.Stderr).Trim();
    }

    /// <summary>Validates domain XML with libvirt's own RELAX NG schema.</summary>
    public static async Task<ExternalToolResult> ValidateDomainAsync(string xml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-appliance-domain-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, xml, TestContext.Current.CancellationToken);
        try
        {
            var result = await ExternalTool.RunUncheckedAsync("virt-xml-validate", [file, "domain"], cancellationToken: TestContext.Current.CancellationToken);
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
