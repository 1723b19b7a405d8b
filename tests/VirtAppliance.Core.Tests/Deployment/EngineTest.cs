using Shouldly;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// What the engine's tests share: a store in a test folder, libvirt's test:///default driver through
/// the real binding, and an <see cref="InstanceService"/> whose hooks fail the step (and the undo)
/// a test names.
/// </summary>
[Collection(TestDriver.Collection)]
public abstract class EngineTest : IDisposable
{
    protected static readonly HostMatchOptions TestType = new() { VirtType = VirtType.Test };

    protected EngineTest()
    {
        Folder = new TestFolder();
        Store = new ApplianceStore(Folder["root"]);
        // The driver's state lives while any connection to it does, and libvirt may close the previous
        // test's a moment late: what that test left must not be this one's "host".
        foreach (var domain in Driver.Hypervisor.ListDomains().Where(domain => domain.Name != "test"))
        {
            if (domain.Status.IsActive)
                Driver.Hypervisor.Destroy(domain.Name);
            Driver.Hypervisor.Undefine(domain.Name);
        }
    }

    internal TestFolder Folder { get; }

    internal TestDriver Driver { get; } = new();

    protected ApplianceStore Store { get; }

    /// <summary>The step that throws, e.g. "define"; null for none.</summary>
    protected string? FailStep { get; set; }

    /// <summary>Runs before each step (what a guest would do at that point); null for nothing.</summary>
    protected Action<string>? OnStep { get; set; }

    /// <summary>The undo that throws; null for none.</summary>
    protected string? FailUndo { get; set; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Driver.Dispose();
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }

    protected InstanceService Service(TimeSpan? stopTimeout = null) =>
        new(Store, Driver, new DeploymentSettings(TimeProvider.System, stopTimeout ?? TimeSpan.FromSeconds(5), new PlanHooks(
            (_, step) =>
            {
                OnStep?.Invoke(step);
                if (step == FailStep)
                    throw new IOException($"injected failure at {step}");
            },
            (_, step) =>
            {
                if (step == FailUndo)
                    throw new IOException($"injected undo failure at {step}");
            })));

    protected async Task<IReadOnlyList<InstanceRecord>> ListAsync()
    {
        using var index = await Store.OpenIndexAsync(Ct);
        return await index.ListInstancesAsync(Ct);
    }

    protected async Task<InstanceRecord> FindAsync(string name)
    {
        using var index = await Store.OpenIndexAsync(Ct);
        return (await index.FindInstanceAsync(name, Ct)).ShouldNotBeNull();
    }
}
