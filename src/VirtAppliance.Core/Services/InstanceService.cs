using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>
/// The run-stage actions (deploy, vms, start, stop, undeploy, update, rollback), shared by the CLI
/// and the web API. The pristine appliance is never written: system disks are qcow2 overlays on it.
/// </summary>
public sealed partial class InstanceService(ApplianceStore store, IHypervisorConnector connector, TimeProvider time)
{
    /// <summary>How long a graceful stop may take before the VM is powered off.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private string InstancesFolder => Path.Combine(store.Root, "instances");

    public async Task<IReadOnlyList<InstanceStatus>> DeployAsync(DeployRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count < 1)
            throw new InvalidInputException($"--count {request.Count}: deploy at least one VM");
        CheckName(request.Name);
        var names = request.Count == 1 ? [request.Name] : Enumerable.Range(1, request.Count).Select(index => $"{request.Name}-{index}").ToList();
        var installed = await ResolveInstalledAsync(request.Appliance, cancellationToken).ConfigureAwait(false);
        var descriptor = LoadInstalled(installed);

        using var hypervisor = connector.Open(request.Uri);
        var choice = HostProbe.Check(hypervisor, descriptor, request.Match).RequireFit();
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
            await EnsureFreeAsync(index, hypervisor, name, cancellationToken).ConfigureAwait(false);

        var deployed = new List<InstanceStatus>();
        try
        {
            foreach (var name in names)
            {
                progress?.Report($"deploying {name} from {installed.Id}");
                deployed.Add(await DeployOneAsync(index, hypervisor, installed, descriptor, choice, name, request, progress, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            // One deploy is one change: the VMs it made before the failure go too.
            foreach (var made in deployed)
            {
                RemoveDomain(hypervisor, made.Record.Name);
                await index.DeleteAsync(made.Record.Name, CancellationToken.None).ConfigureAwait(false);
                if (Directory.Exists(made.Record.Folder))
                    Directory.Delete(made.Record.Folder, recursive: true);
            }
            throw;
        }
        return deployed;
    }

    private async Task<InstanceStatus> DeployOneAsync(
        InstanceIndex index, IHypervisor hypervisor, InstalledAppliance installed, ApplianceDescriptor descriptor, HostChoice choice,
        string name, DeployRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(InstancesFolder, name);
        var defined = false;
        var recorded = false;
        try
        {
            InstanceRecord record;
            // Under the store lock: 'remove' must not delete the images these overlays are made on.
            using (await store.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!Directory.Exists(installed.Path))
                    throw new NotFoundException($"{installed.Id} was removed while deploying") { Hint = "install it again" };
                CreateFolder(InstancesFolder);
                Directory.CreateDirectory(folder, PublicFolderMode);
                var disks = await CreateDisksAsync(installed, descriptor, choice, folder, keepUserDisks: null, cancellationToken).ConfigureAwait(false);
                record = new InstanceRecord(name, Guid.NewGuid(), installed.Name, installed.Version, installed.Release, installed.PackageSha256,
                    request.Uri, folder, request.Network, choice.DomainType.ToXml(), disks, time.GetUtcNow(), Previous: null);
                hypervisor.Define(DomainXmlFor(descriptor, choice, record));
                defined = true;
                await index.SaveAsync(record, cancellationToken).ConfigureAwait(false);
                recorded = true;
            }
            if (request.Start)
            {
                progress?.Report($"starting {name}");
                await StartAndWaitAsync(hypervisor, record, descriptor, progress, cancellationToken).ConfigureAwait(false);
            }
            return new InstanceStatus(record, hypervisor.GetState(name).State, DomainMissing: false);
        }
        catch
        {
            // Remove what this deploy created, and nothing else.
            if (defined)
                RemoveDomain(hypervisor, name);
            if (recorded)
                await index.DeleteAsync(name, CancellationToken.None).ConfigureAwait(false);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Every instance with its live state.</summary>
    public async Task<IReadOnlyList<InstanceStatus>> ListAsync(CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        var records = await index.ListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<InstanceStatus>();
        foreach (var group in records.GroupBy(record => record.Uri))
        {
            using var hypervisor = connector.Open(group.Key, readOnly: true);
            foreach (var record in group)
            {
                var domain = hypervisor.FindDomain(record.Uuid);
                result.Add(new InstanceStatus(record, domain?.Status.State, DomainMissing: domain is null));
            }
        }
        return result;
    }

    /// <summary>The VMs deployed from one installed appliance version (for remove).</summary>
    public async Task<IReadOnlyList<string>> UsersOfAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        return (await index.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(record => (record.Appliance == appliance.Name && record.Version == appliance.Version && record.Release == appliance.Release)
                || (record.Previous is { } previous && record.Appliance == appliance.Name && previous.Version == appliance.Version && previous.Release == appliance.Release))
            .Select(record => record.Name).ToList();
    }

    public async Task<InstanceStatus> StartAsync(string name, bool waitForHealth, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var record = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        RequireDomain(hypervisor, record);
        if (hypervisor.GetState(name).State == DomainState.Running)
            throw new ConflictException($"{name} is already running");
        var descriptor = waitForHealth ? LoadInstalled(await ResolveInstalledAsync($"{record.Appliance}@{record.Version}-{record.Release}", cancellationToken).ConfigureAwait(false)) : null;
        await StartAndWaitAsync(hypervisor, record, descriptor, progress, cancellationToken).ConfigureAwait(false);
        return new InstanceStatus(record, hypervisor.GetState(name).State, false);
    }

    /// <summary>Asks the guest to power off; pulls the plug after <see cref="StopTimeout"/> (or at once with <paramref name="force"/>).</summary>
    public async Task<InstanceStatus> StopAsync(string name, bool force, CancellationToken cancellationToken)
    {
        var record = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        RequireDomain(hypervisor, record);
        await StopDomainAsync(hypervisor, name, force, cancellationToken).ConfigureAwait(false);
        return new InstanceStatus(record, hypervisor.GetState(name).State, false);
    }

    /// <summary>Removes the VM: its domain, overlays and scratch disks; user disks too only with <paramref name="deleteData"/>.</summary>
    /// <returns>The user disks kept (moved to ROOT/kept/VM-…); empty when deleted.</returns>
    public async Task<IReadOnlyList<string>> UndeployAsync(string name, bool deleteData, CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        var record = await index.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchInstance(name);
        using (var hypervisor = connector.Open(record.Uri))
        {
            if (hypervisor.FindDomain(record.Uuid) is not null)
            {
                if (hypervisor.GetState(name).State is not (DomainState.ShutOff or DomainState.Crashed))
                    await StopDomainAsync(hypervisor, name, force: false, cancellationToken).ConfigureAwait(false);
                hypervisor.Undefine(name);
            }
        }
        var kept = new List<string>();
        var userDisks = record.Disks.Concat(record.Previous?.Disks ?? []).Where(disk => disk.Role == DiskRole.User).Select(disk => disk.Path).Distinct().ToList();
        if (!deleteData && userDisks.Count > 0)
        {
            var keptFolder = Path.Combine(store.Root, "kept", $"{name}-{time.GetUtcNow():yyyyMMddHHmmss}");
            Directory.CreateDirectory(keptFolder);
            foreach (var disk in userDisks.Where(File.Exists))
            {
                var target = Path.Combine(keptFolder, Path.GetFileName(disk));
                File.Move(disk, target);
                kept.Add(target);
            }
        }
        await index.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists(record.Folder))
            Directory.Delete(record.Folder, recursive: true);
        return kept;
    }

    private async Task StartAndWaitAsync(IHypervisor hypervisor, InstanceRecord record, ApplianceDescriptor? descriptor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // The console log holds this boot only, so the health check cannot match an earlier boot's line.
        if (File.Exists(record.ConsoleLog))
            File.Delete(record.ConsoleLog);
        hypervisor.Start(record.Name);
        if (descriptor?.Health is not { } health)
            return;
        progress?.Report($"waiting for {record.Name} to become healthy (up to {health.TimeoutSeconds} s)");
        var problem = await HealthWaiter.WaitAsync(health, record.ConsoleLog,
            () => hypervisor.GetState(record.Name).State is DomainState.Running or DomainState.Blocked or DomainState.Paused,
            time, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HealthCheckFailedException($"{record.Name} ({record.ApplianceId}) did not become healthy: {problem}"
                + ConsoleTail(record.ConsoleLog))
            {
                Hint = $"the console log is {record.ConsoleLog}; ask the appliance's supplier if it is theirs",
            };
        progress?.Report($"{record.Name} is healthy");
    }

    /// <summary>The last console lines, since a failed deploy removes the log with the VM's folder.</summary>
    private static string ConsoleTail(string path)
    {
        var lines = ConsoleLog.ReadLines(path);
        return lines.Count == 0 ? "" : "\nlast console lines:\n  " + string.Join("\n  ", lines.TakeLast(5));
    }

    private async Task StopDomainAsync(IHypervisor hypervisor, string name, bool force, CancellationToken cancellationToken)
    {
        var state = hypervisor.GetState(name).State;
        if (state is DomainState.ShutOff or DomainState.Crashed)
            return;
        if (!force)
        {
            hypervisor.Shutdown(name);
            try
            {
                await hypervisor.WaitForStateAsync(name, s => s == DomainState.ShutOff, StopTimeout, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DomainStateTimeoutException)
            {
                // The guest ignored the power button: pull the plug, as virsh destroy would.
            }
        }
        hypervisor.Destroy(name);
        await hypervisor.WaitForStateAsync(name, s => s == DomainState.ShutOff, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<InstanceDisk>> CreateDisksAsync(
        InstalledAppliance installed, ApplianceDescriptor descriptor, HostChoice choice, string folder,
        IReadOnlyList<InstanceDisk>? keepUserDisks, CancellationToken cancellationToken)
    {
        var boot = descriptor.Boots[choice.BootIndex];
        var disks = new List<InstanceDisk>();
        foreach (var drive in boot.Drives)
        {
            var disk = descriptor.FindDisk(drive.DiskId)!;
            var format = disk.Format.ToText();
            InstanceDisk created;
            switch (disk.Role)
            {
                case DiskRole.System when disk.Format == DiskFormat.Iso:
                    // A read-only CD-ROM needs no overlay: attach the pristine image.
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, "raw", Path.Combine(installed.Path, disk.File!));
                    break;
                case DiskRole.System:
                    var overlay = Path.Combine(folder, $"system-{disk.Id}-{installed.Version}-{installed.Release}.qcow2");
                    await QemuImg.CreateOverlayAsync(Path.Combine(installed.Path, disk.File!), format, overlay, cancellationToken).ConfigureAwait(false);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, "qcow2", overlay);
                    break;
                case DiskRole.User when keepUserDisks?.FirstOrDefault(kept => kept.DiskId == disk.Id) is { } kept:
                    created = kept with { Target = drive.Target };
                    break;
                case DiskRole.User when disk.File is not null:
                    var copy = Path.Combine(folder, $"user-{disk.Id}.{FileExtension(format)}");
                    await QemuImg.SparseCopyAsync(Path.Combine(installed.Path, disk.File), copy, cancellationToken).ConfigureAwait(false);
                    File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, format, copy);
                    break;
                default:
                    var blank = Path.Combine(folder, $"{(disk.Role == DiskRole.User ? "user" : "scratch")}-{disk.Id}.qcow2");
                    if (File.Exists(blank))
                        File.Delete(blank);
                    await QemuImg.CreateAsync(blank, "qcow2", (disk.SizeMiB ?? 1024) * 1024 * 1024, cancellationToken).ConfigureAwait(false);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, "qcow2", blank);
                    break;
            }
            disks.Add(created);
        }
        return disks;
    }

    private static string DomainXmlFor(ApplianceDescriptor descriptor, HostChoice choice, InstanceRecord record)
    {
        var definition = DomainXmlGenerator.Generate(descriptor, choice, new InstanceOptions
        {
            Name = record.Name,
            Uuid = record.Uuid,
            Network = record.Network,
            Disks = record.Disks.ToDictionary(disk => disk.DiskId, disk => new ResolvedDisk(disk.Path, DomainFormat(disk.Format)), StringComparer.Ordinal),
            ConsoleLog = record.ConsoleLog,
            PackageDigest = "sha256:" + record.PackageSha256,
        });
        return DomainXmlWriter.Write(definition);
    }

    private static DiskFormat DomainFormat(string format) =>
        DiskFormatSpelling.TryParse(format, out var parsed) ? parsed : throw new InvalidDataException($"the instance index records the unknown disk format '{format}'");

    private static string FileExtension(string format) => format == "raw" ? "img" : format;

    private async Task<InstalledAppliance> ResolveInstalledAsync(string reference, CancellationToken cancellationToken) =>
        (await store.FindAsync(reference, cancellationToken).ConfigureAwait(false)).LastOrDefault()
        ?? throw new NotFoundException($"no installed appliance matches '{reference}'")
        {
            Hint = "install it first ('virt-appliance install PACKAGE'); 'virt-appliance list' shows what is installed",
        };

    private static ApplianceDescriptor LoadInstalled(InstalledAppliance installed) =>
        ApplianceLocator.Load(installed.Path, ValidationPurpose.Use).Require();

    private async Task<InstanceRecord> FindAsync(string name, CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        return await index.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchInstance(name);
    }

    private static NotFoundException NoSuchInstance(string name) =>
        new($"no VM named '{name}' was deployed by virt-appliance") { Hint = "'virt-appliance vms' lists them" };

    private static void RequireDomain(IHypervisor hypervisor, InstanceRecord record)
    {
        if (hypervisor.FindDomain(record.Uuid) is null)
            throw new NotFoundException($"the libvirt domain of {record.Name} is gone (removed outside virt-appliance)")
            {
                Hint = $"'virt-appliance undeploy {record.Name}' forgets it and keeps its user disks",
            };
    }

    private static async Task EnsureFreeAsync(InstanceIndex index, IHypervisor hypervisor, string name, CancellationToken cancellationToken)
    {
        if (await index.FindAsync(name, cancellationToken).ConfigureAwait(false) is not null || hypervisor.FindDomain(name) is not null)
            throw new ConflictException($"a VM named '{name}' exists already") { Hint = "choose another --name, or undeploy the existing one" };
    }

    private static void RemoveDomain(IHypervisor hypervisor, string name)
    {
        try
        {
            if (hypervisor.GetState(name).State is not (DomainState.ShutOff or DomainState.Crashed))
                hypervisor.Destroy(name);
            hypervisor.Undefine(name);
        }
        catch (HypervisorException)
        {
            // Cleanup after a failure must not hide the failure itself.
        }
    }

    private static void CheckName(string name)
    {
        VmName.Check(name);
    }

    private static void CreateFolder(string folder) => Directory.CreateDirectory(folder, PublicFolderMode);

    /// <summary>QEMU runs as libvirt-qemu and must reach the VM's disks.</summary>
    private const UnixFileMode PublicFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
}
