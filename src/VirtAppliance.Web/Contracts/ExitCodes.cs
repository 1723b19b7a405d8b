using VirtAppliance.Core.Errors;

namespace VirtAppliance.Web.Contracts;

/// <summary>
/// The documented, stable exit codes, the one place exceptions map to them, and the HTTP status of each class
/// (the REST API answers what the CLI would have exited with).
/// </summary>
public static class ExitCodes
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

    /// <summary>The HTTP status a REST request answers with when the CLI would exit with <paramref name="exitCode"/>.</summary>
    public static int HttpStatus(int exitCode) => exitCode switch
    {
        Success => 200,
        Usage => 400,
        InvalidInput => 422,
        HostMismatch => 422,
        Integrity => 422,
        Hypervisor => 502,
        NotFound => 404,
        Conflict => 409,
        _ => 500,
    };

    /// <summary>The exit code's class as the JSON error body names it.</summary>
    public static string Kind(int exitCode) => exitCode switch
    {
        Usage => "usage",
        InvalidInput => "invalid_input",
        HostMismatch => "host_mismatch",
        Integrity => "integrity",
        Hypervisor => "hypervisor",
        NotFound => "not_found",
        Conflict => "conflict",
        _ => "unexpected",
    };
}
