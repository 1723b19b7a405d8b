using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Hypervisor;

/// <summary>A domain did not reach the awaited state in time (exit code 6, like any hypervisor failure).</summary>
public class DomainStateTimeoutException : HypervisorException
{
    public DomainStateTimeoutException(string domainName, TimeSpan timeout, DomainState lastState)
        : base($"Domain '{domainName}' did not reach the expected state within {timeout.TotalSeconds:0.#} s; it is {lastState}.")
    {
        DomainName = domainName;
        Timeout = timeout;
        LastState = lastState;
    }

    public string DomainName { get; }

    public TimeSpan Timeout { get; }

    public DomainState LastState { get; }
}
