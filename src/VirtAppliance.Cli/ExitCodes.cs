using VirtAppliance.Core.Errors;

namespace VirtAppliance.Cli;

/// <summary>The documented, stable exit codes, and the one place exceptions map to them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int InvalidInput = 3;
    public const int HostMismatch = 4;
    public const int Integrity = 5;
    public const int Hypervisor = 6;
    public const int NotFound = 7;
    public const int Conflict = 8;

    public const string HelpText = """
        Exit codes:
          0  success                      5  integrity or signature failure
          1  unexpected failure           6  libvirt or hypervisor failure
          2  usage                        7  not found
          3  invalid input                8  conflict (in use, exists, locked)
          4  host mismatch
        """;

    public static int For(Exception error) => error switch
    {
        UsageException => Usage,
        InvalidInputException => InvalidInput,
        HostMismatchException => HostMismatch,
        IntegrityException => Integrity,
        HypervisorException => Hypervisor,
        NotFoundException => NotFound,
        ConflictException => Conflict,
        FileNotFoundException or DirectoryNotFoundException => NotFound,
        UnauthorizedAccessException => Unexpected,
        _ => Unexpected,
    };
}
