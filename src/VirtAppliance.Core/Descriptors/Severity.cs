namespace VirtAppliance.Core.Descriptors;

public enum Severity
{
    Warning,
    Error,
}
