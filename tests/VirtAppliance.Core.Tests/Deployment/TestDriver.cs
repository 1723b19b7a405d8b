using System.Reflection;
using VirtAppliance.Core.Hypervisor;
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

    /// <summary>Forwards every call but Dispose: the services close what they open, the test closes the driver.</summary>
    public class KeepOpen : DispatchProxy
    {
        public IHypervisor Target { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IDisposable.Dispose))
                return null;
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
