using System.Runtime.InteropServices;

namespace VirtAppliance.Libvirt;

/// <summary>
/// Process-wide libvirt setup, done once before the first connection: silence the default
/// error printer, and run libvirt's default event loop on a dedicated background thread so
/// connections can deliver domain events (it must be registered before they open).
/// </summary>
internal static class LibvirtRuntime
{
    private static readonly Lock Gate = new();
    private static bool initialized;

    public static unsafe void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            if (Interop.virInitialize() < 0)
            {
                throw LibvirtException.FromLastError("virInitialize");
            }

            // Errors reach callers as exceptions; libvirt would otherwise also print them to stderr.
            Interop.virSetErrorFunc(0, &IgnoreError);

            if (Interop.virEventRegisterDefaultImpl() < 0)
            {
                throw LibvirtException.FromLastError("virEventRegisterDefaultImpl");
            }

            var thread = new Thread(RunEventLoop) { IsBackground = true, Name = "libvirt events" };
            thread.Start();
            initialized = true;
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe void IgnoreError(nint userData, Interop.ErrorNative* error)
    {
    }

    // libvirt offers no way to stop the default loop; the thread lives as long as the process.
    private static void RunEventLoop()
    {
        while (true)
        {
            if (Interop.virEventRunDefaultImpl() < 0)
            {
                Interop.virResetLastError();
                Thread.Sleep(100);
            }
        }
    }
}
