namespace VirtAppliance.Core.Errors;

/// <summary>A descriptor, package, recipe or value is malformed (exit code 3).</summary>
public class InvalidInputException : VirtApplianceException
{
    public InvalidInputException(string message) : base(message) { }

    public InvalidInputException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The appliance does not fit the host (exit code 4).</summary>
public class HostMismatchException : VirtApplianceException
{
    public HostMismatchException(string message, IReadOnlyList<string> unmet) : base(message) => Unmet = unmet;

    public IReadOnlyList<string> Unmet { get; }
}

/// <summary>A digest or signature does not hold (exit code 5).</summary>
public class IntegrityException : VirtApplianceException
{
    public IntegrityException(string message) : base(message) { }

    public IntegrityException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>libvirt or the hypervisor failed (exit code 6).</summary>
public class HypervisorException : VirtApplianceException
{
    public HypervisorException(string message) : base(message) { }

    public HypervisorException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A file, appliance, version or VM does not exist (exit code 7).</summary>
public class NotFoundException : VirtApplianceException
{
    public NotFoundException(string message) : base(message) { }
}

/// <summary>Something is in use, exists already or is locked (exit code 8).</summary>
public class ConflictException : VirtApplianceException
{
    public ConflictException(string message) : base(message) { }
}
