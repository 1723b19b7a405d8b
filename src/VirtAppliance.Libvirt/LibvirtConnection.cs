using System.Runtime.InteropServices;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

/// <summary>
/// A libvirt connection (virConnectPtr) with libvirt's calls as blocking methods. Every failure
/// throws <see cref="LibvirtException"/>. Thread-safe, as libvirt connections are.
/// </summary>
internal sealed class LibvirtConnection : IDisposable
{
    private readonly ConnectHandle handle;

    private LibvirtConnection(ConnectHandle handle, string uri)
    {
        this.handle = handle;
        Uri = uri;
    }

    public string Uri { get; }

    public static LibvirtConnection Open(string uri, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        LibvirtRuntime.EnsureInitialized();
        var handle = readOnly ? Interop.virConnectOpenReadOnly(uri) : Interop.virConnectOpen(uri);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw LibvirtException.FromLastError(readOnly ? "virConnectOpenReadOnly" : "virConnectOpen");
        }

        return new LibvirtConnection(handle, uri);
    }

    public string GetCapabilities() =>
        Interop.virConnectGetCapabilities(handle) ?? throw LibvirtException.FromLastError("virConnectGetCapabilities");

    public string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType) =>
        Interop.virConnectGetDomainCapabilities(handle, emulator, arch, machine, virtType, 0)
            ?? throw LibvirtException.FromLastError("virConnectGetDomainCapabilities");

    /// <summary>Every domain; the caller disposes each.</summary>
    public unsafe IReadOnlyList<LibvirtDomain> ListAllDomains()
    {
        var count = Interop.virConnectListAllDomains(handle, out var array, 0);
        if (count < 0)
        {
            throw LibvirtException.FromLastError("virConnectListAllDomains");
        }

        // Own every element before anything can throw, so each virDomainPtr is freed exactly once.
        var domains = new LibvirtDomain[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                domains[i] = new LibvirtDomain(new DomainHandle(array[i]));
            }
        }
        catch
        {
            for (var i = 0; i < count; i++)
            {
                if (domains[i] is { } owned)
                {
                    owned.Dispose();
                }
                else
                {
                    Interop.virDomainFree(array[i]);
                }
            }

            throw;
        }
        finally
        {
            NativeMemory.Free(array);
        }

        return domains;
    }

    public LibvirtDomain LookupByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            return Wrap(Interop.virDomainLookupByName(handle, name), "virDomainLookupByName");
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            // Some drivers (test) say only "Domain not found"; a user needs to know which.
            throw e.Naming(name);
        }
    }

    public LibvirtDomain LookupByUuid(Guid uuid) =>
        Wrap(Interop.virDomainLookupByUUIDString(handle, uuid.ToString("D")), "virDomainLookupByUUIDString");

    /// <summary>Like <see cref="LookupByName"/> but null when there is no such domain.</summary>
    public LibvirtDomain? TryLookupByName(string name)
    {
        try
        {
            return LookupByName(name);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            return null;
        }
    }

    public LibvirtDomain DefineXml(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return Wrap(Interop.virDomainDefineXML(handle, xml), "virDomainDefineXML");
    }

    /// <summary>
    /// Calls <paramref name="onEvent"/> on libvirt's event thread for every lifecycle event of
    /// this connection's domains, until <see cref="DeregisterEvents"/> or the connection closes.
    /// </summary>
    /// <returns>The callback id for <see cref="DeregisterEvents"/>.</returns>
    public unsafe int RegisterLifecycleEvents(Action<DomainLifecycleEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(onEvent);

        // libvirt holds the GCHandle as its opaque pointer and releases it through FreeOpaque.
        var target = GCHandle.Alloc(onEvent);
        var id = Interop.virConnectDomainEventRegisterAny(
            handle, 0, Interop.VIR_DOMAIN_EVENT_ID_LIFECYCLE, &OnLifecycleEvent, GCHandle.ToIntPtr(target), &FreeOpaque);
        if (id < 0)
        {
            var error = LibvirtException.FromLastError("virConnectDomainEventRegisterAny");
            target.Free();
            throw error;
        }

        return id;
    }

    public void DeregisterEvents(int callbackId)
    {
        if (Interop.virConnectDomainEventDeregisterAny(handle, callbackId) < 0)
        {
            throw LibvirtException.FromLastError("virConnectDomainEventDeregisterAny");
        }
    }

    public void Dispose() => handle.Dispose();

    [UnmanagedCallersOnly]
    private static unsafe int OnLifecycleEvent(nint connection, nint domain, int kind, int detail, nint opaque)
    {
        try
        {
            // The domain is borrowed for the callback: read what we need, never free it.
            var name = Marshal.PtrToStringUTF8((nint)Interop.virDomainGetName(domain)) ?? string.Empty;
            var uuid = Guid.Empty;
            var buffer = stackalloc byte[Interop.VIR_UUID_STRING_BUFLEN];
            if (Interop.virDomainGetUUIDString(domain, buffer) == 0)
            {
                uuid = Guid.Parse(new ReadOnlySpan<byte>(buffer, Interop.VIR_UUID_STRING_BUFLEN - 1));
            }

            var onEvent = (Action<DomainLifecycleEvent>)GCHandle.FromIntPtr(opaque).Target!;
            onEvent(new DomainLifecycleEvent(name, uuid, (DomainLifecycleEventKind)kind, detail));
        }
#pragma warning disable CA1031 // An exception must not unwind into libvirt's C frames.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static void FreeOpaque(nint opaque) => GCHandle.FromIntPtr(opaque).Free();

    private static LibvirtDomain Wrap(DomainHandle domain, string function)
    {
        if (domain.IsInvalid)
        {
            var error = LibvirtException.FromLastError(function);
            domain.Dispose();
            throw error;
        }

        return new LibvirtDomain(domain);
    }
}
