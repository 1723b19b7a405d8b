using VirtAppliance.Core.Errors;

namespace VirtAppliance.Libvirt;

/// <summary>A libvirt call failed; carries libvirt's own error code, domain and message.</summary>
public sealed class LibvirtException : HypervisorException
{
    public LibvirtException(string message, LibvirtErrorCode code, int errorDomain, string function)
        : base(message)
    {
        Code = code;
        ErrorDomain = errorDomain;
        Function = function;
    }

    /// <summary>libvirt's virErrorNumber.</summary>
    public LibvirtErrorCode Code { get; }

    /// <summary>libvirt's virErrorDomain: which part of libvirt raised it (10 qemu, 12 test, 13 remote, 7 rpc …).</summary>
    public int ErrorDomain { get; }

    /// <summary>The libvirt function that failed, such as "virDomainCreate".</summary>
    public string Function { get; }

    /// <summary>True when retrying the same call later may succeed (daemon restarting, busy, timed out).</summary>
    public bool IsTransient => Code is LibvirtErrorCode.NoConnect or LibvirtErrorCode.Rpc
        or LibvirtErrorCode.OperationTimeout or LibvirtErrorCode.AgentUnresponsive or LibvirtErrorCode.ResourceBusy
        || (Code is LibvirtErrorCode.SystemError && ErrorDomain is ErrorDomainRpc or ErrorDomainRemote);

    /// <summary>The same error with <paramref name="subject"/> named, for drivers whose message leaves it out.</summary>
    internal LibvirtException Naming(string subject) =>
        Message.Contains(subject, StringComparison.Ordinal)
            ? this
            : new LibvirtException($"{Message}: '{subject}'", Code, ErrorDomain, Function) { Hint = Hint };

    private const int ErrorDomainRpc = 7;
    private const int ErrorDomainRemote = 13;

    /// <summary>
    /// Builds the exception from the calling thread's last libvirt error and clears it. Call it
    /// right after the failing call, before any other libvirt call on this thread.
    /// </summary>
    internal static unsafe LibvirtException FromLastError(string function)
    {
        var error = Interop.virGetLastError();
        if (error is null)
        {
            return new LibvirtException($"{function} failed without reporting an error.", LibvirtErrorCode.InternalError, 0, function);
        }

        var code = (LibvirtErrorCode)error->Code;
        var domain = error->Domain;
        var message = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(error->Message) ?? $"{function} failed (code {error->Code}).";
        Interop.virResetLastError();
        return new LibvirtException(message, code, domain, function) { Hint = HintFor(code, domain) };
    }

    private static string? HintFor(LibvirtErrorCode code, int domain) => code switch
    {
        LibvirtErrorCode.NoConnect => "Check that libvirtd is running (scripts/prereqs.sh starts it) and that the URI is right.",
        LibvirtErrorCode.SystemError when domain is ErrorDomainRpc or ErrorDomainRemote =>
            "Check that libvirtd is running (scripts/prereqs.sh starts it) and that you may use its socket.",
        LibvirtErrorCode.NoDomain => "List the host's domains with 'virsh list --all'.",
        LibvirtErrorCode.AuthFailed or LibvirtErrorCode.AccessDenied or LibvirtErrorCode.AuthUnavailable =>
            "Run as root or as a member of the libvirt group, or use qemu:///session.",
        _ => null,
    };
}
