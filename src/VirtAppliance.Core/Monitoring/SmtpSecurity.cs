namespace VirtAppliance.Core.Monitoring;

/// <summary>How the SMTP connection is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it (port 587 and 25), TLS from the start on 465.</summary>
    Auto,

    /// <summary>Plain text (a relay on the same host or a trusted network only).</summary>
    None,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,
}

/// <summary>The one spelling of <see cref="SmtpSecurity"/> (files, options, messages).</summary>
public static class SmtpSecuritySpelling
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "none", "starttls", "tls"];

    public static string ToText(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => "none",
        SmtpSecurity.StartTls => "starttls",
        SmtpSecurity.Tls => "tls",
        _ => "auto",
    };

    public static bool TryParse(string text, out SmtpSecurity security)
    {
        var index = Names.ToList().IndexOf(text.Trim().ToLowerInvariant());
        security = index < 0 ? SmtpSecurity.Auto : (SmtpSecurity)index;
        return index >= 0;
    }
}
