namespace VirtAppliance.Core.Hypervisor;

/// <summary>
/// One open connection to a hypervisor. Domains are addressed by name. Every method except
/// <see cref="WaitForStateAsync"/> blocks on the hypervisor (usually milliseconds, seconds for
/// a start); failures throw <see cref="Errors.HypervisorException"/>. Safe to use from several threads.
/// </summary>
public interface IHypervisor : IDisposable
{
    /// <summary>The URI this connection was opened with.</summary>
    string Uri { get; }

    /// <summary>The host capabilities XML (libvirt's &lt;capabilities&gt;).</summary>
    string GetCapabilitiesXml();

    /// <summary>The &lt;domainCapabilities&gt; XML for one emulator/arch/machine/virt type; null picks the host default.</summary>
    string GetDomainCapabilitiesXml(string? arch = null, string? machine = null, string? virtType = null, string? emulator = null);

    /// <summary>Every domain, running or not. A domain that disappears while listing is left out.</summary>
    IReadOnlyList<DomainInfo> ListDomains();

    /// <summary>The domain called <paramref name="name"/>, or null when there is none.</summary>
    DomainInfo? FindDomain(string name);

    /// <summary>The domain with this UUID, or null when there is none.</summary>
    DomainInfo? FindDomain(Guid uuid);

    /// <summary>Defines (or redefines, same name and UUID) a persistent domain from libvirt domain XML.</summary>
    DomainInfo Define(string domainXml);

    /// <summary>
    /// Removes the domain's definition (it keeps running if it runs). Its managed-save image goes too,
    /// and its UEFI variable store unless <paramref name="keepNvram"/>. Disks are never touched.
    /// </summary>
    void Undefine(string name, bool keepNvram = false);

    void Start(string name);

    /// <summary>Asks the guest to power off (ACPI); returns at once. Wait for <see cref="DomainState.ShutOff"/> to know it did.</summary>
    void Shutdown(string name);

    /// <summary>Pulls the plug. The definition stays.</summary>
    void Destroy(string name);

    DomainStatus GetState(string name);

    /// <summary>The domain XML; <paramref name="inactive"/> gives the persistent definition rather than the live one.</summary>
    string GetXml(string name, bool inactive = false);

    /// <summary>Our element in the domain's &lt;metadata&gt; for <paramref name="ns"/>, or null when it has none.</summary>
    string? GetMetadata(string name, MetadataNamespace ns);

    /// <summary>
    /// While the domain runs, merges what it wrote into the disk at <paramref name="target"/>'s top image
    /// into that image's backing file and switches the disk to the backing file (libvirt's active block
    /// commit and pivot). Costs what the top image holds, not the disk's size.
    /// </summary>
    /// <exception cref="DomainStateTimeoutException">The merge did not finish within <paramref name="timeout"/>.</exception>
    Task CommitActiveLayerAsync(string name, string target, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// A human-monitor (HMP) command to a running QEMU domain's monitor, e.g. <c>info usernet</c>, and the
    /// answer. Only QEMU/KVM domains have one; libvirt marks the domain as tainted (custom-monitor).
    /// </summary>
    string QemuMonitorCommand(string name, string command);

    /// <summary>Sizes of the disk with target <paramref name="target"/> ("vda") or source path.</summary>
    BlockInfo GetBlockInfo(string name, string target);

    /// <summary>vCPUs, CPU time, memory and start time of the domain (running or not).</summary>
    DomainRuntime GetRuntime(string name);

    /// <summary>
    /// A command (JSON, e.g. <c>{"execute":"guest-get-fsinfo"}</c>) to the qemu-guest-agent inside a running domain, over the
    /// domain's <c>org.qemu.guest_agent.0</c> channel, and the agent's JSON answer. Throws <see cref="Errors.HypervisorException"/>
    /// when the domain has no such channel, no agent answers, or it does not answer within <paramref name="timeout"/>.
    /// </summary>
    string QemuAgentCommand(string name, string command, TimeSpan timeout);

    /// <summary>
    /// Grows the disk with target <paramref name="target"/> of a running domain to <paramref name="bytes"/> (libvirt's block
    /// resize: QEMU resizes the image and tells the guest, which sees the new capacity at once).
    /// </summary>
    void ResizeBlock(string name, string target, long bytes);

    /// <summary>
    /// Completes when the domain's state satisfies <paramref name="until"/>: at once if it does now,
    /// else on the lifecycle event that brings it there (no polling).
    /// </summary>
    /// <exception cref="DomainStateTimeoutException">It did not within <paramref name="timeout"/>.</exception>
    Task<DomainStatus> WaitForStateAsync(string name, Func<DomainState, bool> until, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onEvent"/> for every lifecycle event of this connection's domains (on the
    /// hypervisor's event thread: return quickly) until the returned handle is disposed.
    /// </summary>
    IDisposable SubscribeLifecycle(Action<DomainLifecycleEvent> onEvent);
}
