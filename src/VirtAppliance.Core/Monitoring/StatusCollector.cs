using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Monitoring;

/// <summary>Statuses of many VMs: one connection per libvirt URI, the VMs read a few at a time (a guest agent that does not answer costs seconds).</summary>
internal static class StatusCollector
{
    /// <summary>How many VMs are read at once.</summary>
    public const int Parallelism = 8;

    public static async Task<IReadOnlyList<VmStatus>> ReadAsync(ApplianceStore store, StoreIndex index, IHypervisorConnector connector,
        IReadOnlyList<InstanceRecord> records, TimeProvider time, CancellationToken cancellationToken)
    {
        var alerts = (await index.ListAlertsAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(alert => alert.Vm, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyDictionary<string, StoredAlert>)group.ToDictionary(alert => alert.Disk, StringComparer.Ordinal),
                StringComparer.Ordinal);
        var descriptors = new Dictionary<string, ApplianceDescriptor?>(StringComparer.Ordinal);
        foreach (var id in records.Select(record => record.ApplianceId).Distinct(StringComparer.Ordinal))
        {
            var installed = (await store.FindAsync(id, cancellationToken).ConfigureAwait(false)).LastOrDefault();
            descriptors[id] = installed is null ? null : DeploymentContext.Load(installed);
        }

        var statuses = new VmStatus[records.Count];
        foreach (var group in records.Select((record, position) => (record, position)).GroupBy(item => item.record.Uri, StringComparer.Ordinal))
        {
            // Read-write: the guest agent and QEMU's monitor (TCP health) refuse read-only connections.
            IHypervisor hypervisor;
            try
            {
                hypervisor = connector.Open(group.Key);
            }
            catch (HypervisorException error) when (records.Count > 1)
            {
                // One unreachable host must not hide the others (a single VM's status says why it failed instead).
                foreach (var (record, position) in group)
                    statuses[position] = StatusReader.Unreachable(record, alerts.GetValueOrDefault(record.Name) ?? new Dictionary<string, StoredAlert>(), error.Message, time.GetUtcNow());
                continue;
            }
            using var connection = hypervisor;
            var reader = new StatusReader(hypervisor, time);
            await Parallel.ForEachAsync(group, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (item, token) =>
                {
                    statuses[item.position] = await reader.ReadAsync(item.record, descriptors[item.record.ApplianceId],
                        alerts.GetValueOrDefault(item.record.Name) ?? new Dictionary<string, StoredAlert>(), token).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        return statuses;
    }

    /// <exception cref="NotFoundException">No VM of that name.</exception>
    public static async Task<InstanceRecord> FindAsync(StoreIndex index, string name, CancellationToken cancellationToken) =>
        await index.FindInstanceAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"no VM named '{name}' was deployed by virt-appliance") { Hint = "'virt-appliance vms' lists them" };
}
