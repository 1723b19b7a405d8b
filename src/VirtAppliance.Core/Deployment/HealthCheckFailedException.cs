using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Deployment;

/// <summary>The appliance did not become healthy (exit code 6: the guest, not the input, failed).</summary>
public sealed class HealthCheckFailedException(string message) : HypervisorException(message);
