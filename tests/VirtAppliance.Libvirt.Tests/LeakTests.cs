using Shouldly;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>
/// Every handle is released and every string libvirt hands out is freed: thousands of
/// connections, lookups and XML descriptions leave the process's resident memory flat.
/// </summary>
[Collection(nameof(SerialCollection))] // alone, so other tests' allocations do not blur the figures
public sealed class LeakTests
{
    private const int WarmUp = 10_000;
    private const int Iterations = 10_000;
    private const long Bound = 20L * 1024 * 1024;

    [Fact]
    public void Ten_thousand_opens_lookups_and_xml_descriptions_do_not_grow_memory()
    {
        // Given a warmed-up process: JIT tiers, libvirt's one-time setup and malloc's arenas settle
        // within the first thousands of iterations (about 7 MiB here), then RSS stays flat
        Exercise(WarmUp);
        ProcessMemory.Settle();
        var residentBefore = ProcessMemory.ResidentBytes();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);

        // When
        var xmlBytes = Exercise(Iterations);
        ProcessMemory.Settle();
        var residentAfter = ProcessMemory.ResidentBytes();
        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);

        // Then
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(
            $"leak check: {Iterations} iterations, {xmlBytes / (1024.0 * 1024):0.0} MiB of XML read; "
            + $"RSS {residentBefore / 1024} KiB -> {residentAfter / 1024} KiB ({(residentAfter - residentBefore) / 1024:+#;-#;0} KiB); "
            + $"managed heap {managedBefore / 1024} KiB -> {managedAfter / 1024} KiB");
        (residentAfter - residentBefore).ShouldBeLessThan(Bound, "resident memory grew");
    }

    // Each iteration: open a connection, look up a domain, read its XML three ways and the host
    // capabilities. A leaked string of any kind would add 10-30 MB over the run, above the bound.
    private static long Exercise(int iterations)
    {
        long bytes = 0;
        for (var i = 0; i < iterations; i++)
        {
            using var connection = LibvirtConnection.Open("test:///default", readOnly: false);
            using var domain = connection.LookupByName("test");
            bytes += domain.GetXmlDesc(0).Length;
            bytes += domain.GetXmlDesc(Interop.VIR_DOMAIN_XML_INACTIVE).Length;
            bytes += domain.GetXmlDesc(1).Length;
            bytes += connection.GetCapabilities().Length;
        }

        return bytes;
    }
}
