using System.Runtime.InteropServices;
using Shouldly;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>libvirt's default error handler prints every error to stderr; the binding silences it.</summary>
[Collection(nameof(SerialCollection))] // alone: it redirects the process's stderr
public sealed partial class StderrTests
{
    private const int StandardError = 2;

    [Fact]
    public void Libvirt_errors_become_exceptions_without_lines_on_stderr()
    {
        // Given the process's stderr (fd 2) captured in a file
        var path = Path.Combine(Path.GetTempPath(), $"va-stderr-{Guid.NewGuid():N}.txt");
        using (var capture = File.Create(path))
        {
            var saved = dup(StandardError);
            dup2((int)capture.SafeFileHandle.DangerousGetHandle(), StandardError).ShouldBe(StandardError);
            try
            {
                // When
                Should.Throw<LibvirtException>(() => new LibvirtConnector().Open("nosuchdriver:///system"));
                using var hypervisor = new LibvirtConnector().Open("test:///default");
                Should.Throw<LibvirtException>(() => hypervisor.GetState("no-such-domain"));
            }
            finally
            {
                fflush(0);
                dup2(saved, StandardError);
                close(saved);
            }
        }

        // Then (without the handler libvirt writes "libvirt: … error : …" lines)
        try
        {
            File.ReadAllText(path).ShouldNotContain("libvirt:");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial int dup(int fd);

    [LibraryImport("libc.so.6")]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc.so.6")]
    private static partial int close(int fd);

    [LibraryImport("libc.so.6")]
    private static partial int fflush(nint stream);
}
