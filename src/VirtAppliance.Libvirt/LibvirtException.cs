using VirtAppliance.Core.Errors;

namespace VirtAppliance.Libvirt;

/// <summary>A libvirt call failed; carries libvirt's own error code, domain and message.</summary>
public sealed partial class LibvirtException : HypervisorException
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
        return new LibvirtException(message, code, domain, function) { Hint = HintFor(code, domain, message) };
    }

    /// <summary>What to do about the common failures, in our words; null for the rest (libvirt's message stands alone).</summary>
    internal static string? HintFor(LibvirtErrorCode code, int domain, string message) => code switch
    {
        LibvirtErrorCode.NoConnect => "Is libvirtd running? scripts/prereqs.sh starts it (systemctl start libvirtd); check that the URI is right.",
        LibvirtErrorCode.SystemError when domain is ErrorDomainRpc or ErrorDomainRemote =>
            "Is libvirtd running? scripts/prereqs.sh starts it (systemctl start libvirtd); you also need the right to use its socket (root, or the libvirt group).",
        LibvirtErrorCode.NoDomain => "No such VM on this host: 'virt-appliance vms' lists this store's VMs, 'virsh list --all' every domain.",
        LibvirtErrorCode.NoNetwork => "List the host's networks with 'virsh net-list --all', or deploy with --network user (no libvirt network needed).",
        LibvirtErrorCode.AuthFailed or LibvirtErrorCode.AccessDenied or LibvirtErrorCode.AuthUnavailable =>
            "Run as root or as a member of the libvirt group, or use qemu:///session.",
        LibvirtErrorCode.OperationInvalid when InactiveNetwork().Match(message) is { Success: true } network =>
            $"Start it with 'virsh net-start {network.Groups[1].Value}' (and 'virsh net-autostart {network.Groups[1].Value}' to keep it started), or deploy with --network user.",
        // qemu says "operation invalid", the test driver "internal error"; the words are the same.
        LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.InternalError when message.Contains("already running", StringComparison.OrdinalIgnoreCase) =>
            "The VM is already running: 'virt-appliance vms' shows its state; stop it first to restart it.",
        LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.InternalError when message.Contains("not running", StringComparison.OrdinalIgnoreCase) =>
            "The VM is not running: start it with 'virt-appliance start NAME'.",
        _ when message.Contains("Permission denied", StringComparison.Ordinal) => PermissionHint(message),
        _ => null,
    };

    /// <summary>QEMU (on qemu:///system) runs as libvirt-qemu, which must be able to reach the disk through every folder above it.</summary>
    private static string PermissionHint(string message)
    {
        var path = QuotedPath().Match(message) is { Success: true } match ? match.Groups[1].Value : null;
        var folder = path is null ? "FOLDER" : Path.GetDirectoryName(path) ?? "FOLDER";
        return "QEMU runs as the user libvirt-qemu (qemu:///system), so every folder above the disk needs o+x "
            + $"(see 'namei -m {path ?? "PATH"}'; fix with 'chmod o+x' on each, e.g. 'chmod o+x {folder}'), "
            + "or keep the store where QEMU can reach it (the default, /var/lib/appliances, or under /var/tmp).";
    }

    [System.Text.RegularExpressions.GeneratedRegex("network '([^']+)' is not active")]
    private static partial System.Text.RegularExpressions.Regex InactiveNetwork();

    [System.Text.RegularExpressions.GeneratedRegex("'(/[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex QuotedPath();
}
