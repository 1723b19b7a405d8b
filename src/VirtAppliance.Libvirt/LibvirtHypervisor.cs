using System.Threading.Channels;
using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Libvirt;

/// <summary><see cref="IHypervisor"/> over one libvirt connection.</summary>
internal sealed class LibvirtHypervisor : IHypervisor
{
    private readonly LibvirtConnection connection;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource disposed = new();
    private readonly List<Action<DomainLifecycleEvent>> listeners = [];
    private int? callbackId;
    private bool isDisposed;

    public LibvirtHypervisor(LibvirtConnection connection, TimeProvider timeProvider)
    {
        this.connection = connection;
        this.timeProvider = timeProvider;
    }

    public string Uri => connection.Uri;

    public string GetCapabilitiesXml() => connection.GetCapabilities();

    public string GetDomainCapabilitiesXml(string? arch = null, string? machine = null, string? virtType = null, string? emulator = null) =>
        connection.GetDomainCapabilities(emulator, arch, machine, virtType);

    public IReadOnlyList<DomainInfo> ListDomains()
    {
        var domains = connection.ListAllDomains();
        var result = new List<DomainInfo>(domains.Count);
        try
        {
            foreach (var domain in domains)
            {
                try
                {
                    result.Add(Describe(domain));
                }
                catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
                {
                    // A transient domain stopped between listing and asking for its state.
                }
            }
        }
        finally
        {
            foreach (var domain in domains)
            {
                domain.Dispose();
            }
        }

        return result;
    }

    public DomainInfo? FindDomain(string name)
    {
        using var domain = connection.TryLookupByName(name);
        return domain is null ? null : Describe(domain);
    }

    public DomainInfo? FindDomain(Guid uuid)
    {
        try
        {
            using var domain = connection.LookupByUuid(uuid);
            return Describe(domain);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            return null;
        }
    }

    public DomainInfo Define(string domainXml)
    {
        using var domain = connection.DefineXml(domainXml);
        return Describe(domain);
    }

    public void Undefine(string name, bool keepNvram = false)
    {
        using var domain = connection.LookupByName(name);
        try
        {
            domain.Undefine(Interop.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                | (keepNvram ? Interop.VIR_DOMAIN_UNDEFINE_KEEP_NVRAM : Interop.VIR_DOMAIN_UNDEFINE_NVRAM));
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.InvalidArgument)
        {
            // Drivers without UEFI variable stores (test, lxc) reject the NVRAM flags as unsupported.
            domain.Undefine(Interop.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
        }
    }

    public void Start(string name)
    {
        using var domain = connection.LookupByName(name);
        domain.Create();
    }

    public void Shutdown(string name)
    {
        using var domain = connection.LookupByName(name);
        domain.Shutdown();
    }

    public void Destroy(string name)
    {
        using var domain = connection.LookupByName(name);
        domain.Destroy();
    }

    public DomainStatus GetState(string name)
    {
        using var domain = connection.LookupByName(name);
        return domain.GetState();
    }

    public string GetXml(string name, bool inactive = false)
    {
        using var domain = connection.LookupByName(name);
        return domain.GetXmlDesc(inactive ? Interop.VIR_DOMAIN_XML_INACTIVE : 0);
    }

    public string? GetMetadata(string name, MetadataNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        using var domain = connection.LookupByName(name);
        return domain.GetMetadataElement(ns.Uri, Interop.VIR_DOMAIN_AFFECT_CURRENT);
    }

    public async Task CommitActiveLayerAsync(string name, string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        using var domain = connection.LookupByName(name);
        domain.StartActiveCommit(target);
        var start = timeProvider.GetTimestamp();
        // Ready when everything written so far is in the backing image; then the disk switches over.
        while (domain.BlockJobProgress(target) is not { } progress || progress.Total == 0 || progress.Done < progress.Total)
        {
            if (timeProvider.GetElapsedTime(start) > timeout)
                throw new DomainStateTimeoutException(name, timeout, DomainState.Running);
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeProvider, cancellationToken).ConfigureAwait(false);
        }
        // Everything copied is not yet "ready": libvirt refuses the pivot ("not ready for pivot yet")
        // until QEMU has said so, a moment later.
        while (true)
        {
            try
            {
                domain.PivotBlockJob(target);
                return;
            }
            catch (LibvirtException) when (timeProvider.GetElapsedTime(start) < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public string QemuMonitorCommand(string name, string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        using var domain = connection.LookupByName(name);
        return domain.QemuMonitorCommand(command);
    }

    public DomainRuntime GetRuntime(string name)
    {
        using var domain = connection.LookupByName(name);
        var info = domain.GetInfo();
        var running = (DomainState)info.State is not (DomainState.ShutOff or DomainState.NoState);
        return new DomainRuntime(info.VirtualCpus, TimeSpan.FromTicks(checked((long)(info.CpuTimeNanoseconds / 100))),
            checked((long)info.MemoryKiB), checked((long)info.MaxMemKiB), running ? StartedAt(name) : null);
    }

    public string QemuAgentCommand(string name, string command, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        using var domain = connection.LookupByName(name);
        return domain.QemuAgentCommand(command, Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)));
    }

    /// <summary>
    /// libvirt has no start time in its API; its QEMU driver writes the domain's pidfile when it starts the process, so a
    /// local qemu:///system or qemu:///session domain's pidfile time is when its run began. Null for other drivers and hosts.
    /// </summary>
    private DateTimeOffset? StartedAt(string name)
    {
        string? folder = Uri switch
        {
            "qemu:///system" => "/run/libvirt/qemu",
            "qemu:///session" => Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? Path.Combine(runtime, "libvirt/qemu/run") : null,
            _ => null,
        };
        if (folder is null)
            return null;
        var pidfile = new FileInfo(Path.Combine(folder, name + ".pid"));
        return pidfile.Exists ? new DateTimeOffset(pidfile.LastWriteTimeUtc, TimeSpan.Zero) : null;
    }

    public BlockInfo GetBlockInfo(string name, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        using var domain = connection.LookupByName(name);
        return domain.GetBlockInfo(target);
    }

    public void ResizeBlock(string name, string target, long bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        using var domain = connection.LookupByName(name);
        domain.ResizeBlock(target, bytes);
    }

    public async Task<DomainStatus> WaitForStateAsync(
        string name, Func<DomainState, bool> until, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(until);
        ObjectDisposedException.ThrowIf(isDisposed, this);

        // Listen before reading the state, so a change between the two is not missed.
        EnsureEventsRegistered();
        var states = Channel.CreateUnbounded<DomainState>(new UnboundedChannelOptions { SingleReader = true });
        void OnEvent(DomainLifecycleEvent e)
        {
            if (e.State is { } state && string.Equals(e.DomainName, name, StringComparison.Ordinal))
            {
                states.Writer.TryWrite(state);
            }
        }

        lock (gate)
        {
            listeners.Add(OnEvent);
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token, disposed.Token);
        var last = DomainState.NoState;
        try
        {
            // Not cancellable: it returns in milliseconds, and the timeout then reports the state it read.
            var current = await Task.Run(() => GetState(name), CancellationToken.None).ConfigureAwait(false);
            last = current.State;
            if (until(current.State))
            {
                return current;
            }

            while (true)
            {
                var state = await states.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                last = state;
                if (until(state))
                {
                    return await Task.Run(() => StatusAfterEvent(name, state), CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DomainStateTimeoutException(name, timeout, last);
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(LibvirtHypervisor), "The connection was closed while waiting for a domain state.");
        }
        finally
        {
            lock (gate)
            {
                listeners.Remove(OnEvent);
            }
        }
    }

    public IDisposable SubscribeLifecycle(Action<DomainLifecycleEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        EnsureEventsRegistered();
        lock (gate)
        {
            listeners.Add(onEvent);
        }

        return new Subscription(this, onEvent);
    }

    public void Dispose()
    {
        int? registered;
        lock (gate)
        {
            if (isDisposed)
            {
                return;
            }

            isDisposed = true;
            registered = callbackId;
            callbackId = null;
        }

        disposed.Cancel();
        if (registered is { } id)
        {
            try
            {
                connection.DeregisterEvents(id);
            }
            catch (LibvirtException)
            {
                // The connection is going away anyway; closing it drops the callback too.
            }
        }

        connection.Dispose();
        disposed.Dispose();
    }

    private static DomainInfo Describe(LibvirtDomain domain) => new(domain.Name, domain.Uuid, domain.GetState());

    // The event says the state was reached; a fresh query adds the reason when it still holds.
    private DomainStatus StatusAfterEvent(string name, DomainState reached)
    {
        try
        {
            var now = GetState(name);
            return now.State == reached ? now : new DomainStatus(reached, 0);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            // A transient domain is gone once it stops.
            return new DomainStatus(reached, 0);
        }
    }

    private void EnsureEventsRegistered()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(isDisposed, this);
            if (callbackId is not null)
            {
                return;
            }

            callbackId = connection.RegisterLifecycleEvents(Dispatch);
        }
    }

    // Runs on libvirt's event thread.
    private void Dispatch(DomainLifecycleEvent e)
    {
        Action<DomainLifecycleEvent>[] waiting;
        lock (gate)
        {
            waiting = [.. listeners];
        }

        foreach (var listener in waiting)
        {
            listener(e);
        }
    }

    private sealed class Subscription(LibvirtHypervisor owner, Action<DomainLifecycleEvent> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.listeners.Remove(listener);
            }
        }
    }
}
