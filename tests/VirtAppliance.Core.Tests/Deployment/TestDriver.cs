using System.Reflection;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Tests.Packaging;
using VirtAppliance.Libvirt;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// libvirt's test:///default driver keeps its domains while a connection to it is open, one state
/// for the whole process: this connector opens it once and hands out that connection, so that every
/// command of a test sees the same "host"; tests that use it share one collection (never in parallel).
/// </summary>
internal sealed class TestDriver : IHypervisorConnector, IDisposable
{
    public const string Uri = "test:///default";

    /// <summary>The xunit collection of the tests that use the test driver.</summary>
    public const string Collection = "libvirt test driver";

    public TestDriver() => Hypervisor = new LibvirtConnector().Open(Uri);

    public IHypervisor Hypervisor { get; }

    public IHypervisor Open(string uri, bool readOnly = false)
    {
        if (uri != Uri)
            throw new ArgumentException($"the test driver answers {Uri} only, not {uri}", nameof(uri));
        var proxy = DispatchProxy.Create<IHypervisor, KeepOpen>();
        ((KeepOpen)(object)proxy).Target = Hypervisor;
        return proxy;
    }

    public void Dispose() => Hypervisor.Dispose();

    /// <summary>
    /// Forwards every call but Dispose (the services close what they open, the test closes the driver)
    /// and the active block commit, which the test driver (no QEMU behind it) cannot do: the same merge
    /// is made offline with qemu-img commit on the disk's top image, so the files end as a live commit leaves them.
    /// </summary>
    public class KeepOpen : DispatchProxy
    {
        public IHypervisor Target { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IDisposable.Dispose))
                return null;
            if (targetMethod.Name == nameof(IHypervisor.CommitActiveLayerAsync))
            {
                var domain = Core.DomainXml.DomainXmlReader.Read(Target.GetXml((string)args![0]!));
                var top = domain.Devices.Disks.Single(disk => disk.Target.Device == (string)args[1]!).Source;
                Tools.Run("qemu-img", "commit", "-q", ((Core.DomainXml.FileDiskSource)top).Path);
                return Task.CompletedTask;
            }
            try
            {
                return targetMethod.Invoke(Target, args);
            }
            catch (TargetInvocationException error) when (error.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerException).Throw();
                throw;
            }
        }
    }
}
