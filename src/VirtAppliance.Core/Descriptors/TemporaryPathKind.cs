namespace VirtAppliance.Core.Descriptors;

public enum TemporaryPathKind
{
    Files,
    Dirs,
    Empty,
}
