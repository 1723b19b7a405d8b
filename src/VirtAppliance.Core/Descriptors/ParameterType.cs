namespace VirtAppliance.Core.Descriptors;

public enum ParameterType
{
    String,
    Int,
    Bool,
    Host,
    Port,
    Email,
    Password,
    Enum,
}
