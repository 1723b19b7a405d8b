namespace VirtAppliance.Libvirt;

/// <summary>libvirt's virErrorNumber, the codes callers act on (others keep their number).</summary>
public enum LibvirtErrorCode
{
    Ok = 0,
    InternalError = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidConnection = 6,
    OperationFailed = 9,
    NoName = 21,
    XmlError = 27,
    DomainExists = 28,
    OperationDenied = 29,
    XmlDetail = 35,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    NoNetwork = 43,
    InvalidArgument = 8,
    ConfigUnsupported = 67,
    OperationInvalid = 55,
    OperationTimeout = 68,
    OperationAborted = 78,
    AuthFailed = 45,
    NoDomainMetadata = 80,
    AgentUnresponsive = 86,
    ResourceBusy = 87,
    AccessDenied = 88,
    AuthUnavailable = 94,
    XmlInvalidSchema = 92,
}
