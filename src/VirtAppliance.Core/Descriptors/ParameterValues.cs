using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace VirtAppliance.Core.Descriptors;

/// <summary>Checks a site value against its parameter's type; shared by validation and by configuration.</summary>
public static partial class ParameterValues
{
    /// <summary>Null when the value fits, else what is wrong with it.</summary>
    public static string? Check(SiteParameter parameter, string value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(value);
        switch (parameter.Type)
        {
            case ParameterType.Int:
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    return $"'{value}' is not a whole number";
                return CheckRange(parameter, number);
            case ParameterType.Port:
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    return $"'{value}' is not a port (1-65535)";
                return CheckRange(parameter, port);
            case ParameterType.Bool:
                return value is "true" or "false" ? null : $"'{value}' is not true or false";
            case ParameterType.Host:
                return IPAddress.TryParse(value, out _) || HostNamePattern().IsMatch(value) ? null : $"'{value}' is not a host name or IP address";
            case ParameterType.Email:
                return EmailPattern().IsMatch(value) ? null : $"'{value}' is not an e-mail address";
            case ParameterType.Enum:
                return parameter.Choices.Contains(value) ? null : $"'{value}' is not one of: {string.Join(", ", parameter.Choices)}";
            default:
                return null;
        }
    }

    private static string? CheckRange(SiteParameter parameter, long value) =>
        value < parameter.Minimum ? $"{value} is below the minimum {parameter.Minimum}"
        : value > parameter.Maximum ? $"{value} is above the maximum {parameter.Maximum}"
        : null;

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostNamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
