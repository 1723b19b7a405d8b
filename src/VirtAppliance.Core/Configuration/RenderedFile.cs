namespace VirtAppliance.Core.Configuration;

/// <summary>A config file rendered from site values, bound for the config disk.</summary>
/// <param name="GuestPath">Absolute path in the guest, e.g. <c>/etc/app/mail.conf</c>.</param>
/// <param name="Content">The rendered text; may hold passwords.</param>
/// <param name="Mode">Octal file mode in the guest, four digits, e.g. <c>0644</c>.</param>
public sealed record RenderedFile(string GuestPath, string Content, string Mode)
{
    /// <summary>The default mode of a rendered file.</summary>
    public const string DefaultMode = "0644";

    /// <summary>The path and mode only: the content may hold passwords.</summary>
    public override string ToString() => $"{GuestPath} ({Mode})";
}
