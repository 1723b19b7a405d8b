using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Tests.Configuration;

/// <summary>The parameters of a small mail relay appliance, one of each type.</summary>
internal static class SampleParameters
{
    public static IReadOnlyList<SiteParameter> All { get; } =
    [
        new() { Name = "mail_host", Type = ParameterType.Host, Required = true },
        new() { Name = "mail_port", Type = ParameterType.Port, Default = "25" },
        new() { Name = "use_tls", Type = ParameterType.Bool, Default = "false" },
        new() { Name = "workers", Type = ParameterType.Int, Default = "4", Minimum = 1, Maximum = 64 },
        new() { Name = "admin_email", Type = ParameterType.Email },
        new() { Name = "admin_password", Type = ParameterType.Password, Required = true },
        new() { Name = "log_level", Type = ParameterType.Enum, Default = "info", Choices = ["debug", "info", "warn"] },
        new() { Name = "banner", Type = ParameterType.String },
    ];

    /// <summary>The least a site must give.</summary>
    public static Dictionary<string, string> Required() => new()
    {
        ["mail_host"] = "mail.example.com",
        ["admin_password"] = "s3cr3t-Pa55",
    };
}
