namespace VirtAppliance.Core.Errors;

/// <summary>
/// The root of every failure caused by the environment or by input the user handed us
/// (as opposed to a programming mistake). The CLI maps each subclass to one exit code.
/// </summary>
public class VirtApplianceException : Exception
{
    public VirtApplianceException(string message) : base(message) { }

    public VirtApplianceException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>What the user can do about it, printed after the message.</summary>
    public string? Hint { get; init; }
}
