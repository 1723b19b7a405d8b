using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Deployment;

/// <summary>The new version did not become healthy and the VM was returned to the previous one (exit code 6).</summary>
public sealed class UpdateRolledBackException : HypervisorException
{
    public UpdateRolledBackException(string message) : base(message) { }

    public UpdateRolledBackException(string message, Exception? innerException) : base(message, innerException) { }
}
