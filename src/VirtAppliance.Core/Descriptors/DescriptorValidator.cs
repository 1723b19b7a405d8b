using System.Text.RegularExpressions;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// The rules a read descriptor must follow beyond its syntax: references between elements,
/// names, paths, and (depending on the purpose) the files it needs. Returns every problem.
/// </summary>
public static partial class DescriptorValidator
{
    public static IReadOnlyList<DescriptorProblem> Validate(ApplianceDescriptor descriptor, ValidationPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var problems = new List<DescriptorProblem>();
        var file = descriptor.SourcePath ?? ApplianceLocator.DescriptorFileName;
        var top = descriptor.NameLocation == default ? new SourceLocation(file, 0, 0) : descriptor.NameLocation;
        var strictness = purpose == ValidationPurpose.Describe ? Severity.Warning : Severity.Error;
        void Report(Severity severity, SourceLocation at, string message, string? hint = null) =>
            problems.Add(new DescriptorProblem(severity, at, message, hint));

        CheckIdentity(descriptor, top, strictness, Report);
        CheckDisks(descriptor, purpose, Report);
        CheckBoots(descriptor, purpose, Report);
        if (purpose == ValidationPurpose.Recipe)
            CheckRecipeBoots(descriptor, Report);
        CheckFiles(descriptor, purpose, strictness, Report);
        CheckParameters(descriptor, Report);
        CheckTemplatesHealthAndState(descriptor, Report);
        return problems;
    }

    private delegate void Reporter(Severity severity, SourceLocation at, string message, string? hint = null);

    private static void CheckIdentity(ApplianceDescriptor descriptor, SourceLocation top, Severity strictness, Reporter report)
    {
        if (descriptor.Name is null)
            report(strictness, top, "the appliance has no <name>", "add <name version=\"1.0\">my-appliance</name>; packing and installing need it");
        else if (!NamePattern().IsMatch(descriptor.Name))
            report(Severity.Error, top, $"the name '{descriptor.Name}' has characters an appliance name cannot have",
                "use letters, digits and . _ + - only");
        else if (descriptor.Name.IndexOfAny(['/', ':']) >= 0 || descriptor.Name.StartsWith('.'))
            report(strictness, top, $"the name '{descriptor.Name}' cannot name a folder in the store",
                "use letters, digits and . _ + - only, not starting with a dot");
        if (descriptor.Version is { } version && !VersionPattern().IsMatch(version))
            report(Severity.Error, top, $"version '{version}' is not digits and dots (e.g. 1.2 or 1.2-3)", "write version=\"1.0\"");
        if (descriptor.Release is { } release && !VersionPattern().IsMatch(release))
            report(Severity.Error, top, $"release '{release}' is not digits and dots", "write release=\"1\"");
    }

    private static void CheckDisks(ApplianceDescriptor descriptor, ValidationPurpose purpose, Reporter report)
    {
        if (purpose == ValidationPurpose.Recipe)
        {
            foreach (var disk in descriptor.Disks)
            {
                if (disk.File is not null)
                    report(Severity.Error, disk.Location, $"disk '{disk.Id}' of a recipe names a file ('{disk.File}')", "build makes the disks: write id=\"…\" and size=\"MB\" instead of file=");
                else if (disk.SizeMiB is null)
                    report(Severity.Error, disk.Location, $"disk '{disk.Id}' of a recipe has no size", "write size=\"MB\": build makes a disk of that size");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var used = descriptor.Boots.SelectMany(boot => boot.Drives).Select(drive => drive.DiskId).ToHashSet(StringComparer.Ordinal);
        foreach (var disk in descriptor.Disks.Where(disk => disk.Id.Length > 0))
        {
            if (!seen.Add(disk.Id))
                report(Severity.Error, disk.Location, $"disk id '{disk.Id}' is used by more than one <disk>", "give every disk its own id (or file)");
            if (disk.File is null && disk.Role == DiskRole.System && purpose != ValidationPurpose.Recipe)
                report(Severity.Error, disk.Location, $"system disk '{disk.Id}' has no image file", "write file=\"…\"; only user and scratch disks can be created empty");
            if (disk.File is null && disk.SizeMiB is null && disk.Role != DiskRole.System)
                report(Severity.Error, disk.Location, $"disk '{disk.Id}' has neither a file nor a size", "write size=\"MB\" so that an empty disk can be created");
            if (disk.Format == DiskFormat.Iso && disk.Role != DiskRole.System)
                report(Severity.Warning, disk.Location, $"ISO disk '{disk.Id}' is {disk.Role.ToString().ToLowerInvariant()}, but an ISO is read-only", "make it use=\"system\"");
            if (!used.Contains(disk.Id))
                report(Severity.Warning, disk.Location, $"disk '{disk.Id}' is not used by any <boot>", "map it with <drive disk=\"" + disk.Id + "\"/> or remove it");
        }
    }

    private static void CheckBoots(ApplianceDescriptor descriptor, ValidationPurpose purpose, Reporter report)
    {
        var ids = descriptor.Disks.Select(disk => disk.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var boot in descriptor.Boots)
        {
            // A recipe's boot names neither: build fills in the kernel and initrd it installed.
            if (!boot.Os.HasLoader && boot.Os.Kernel is null && purpose != ValidationPurpose.Recipe)
                report(Severity.Error, boot.Os.Location == default ? boot.Location : boot.Os.Location, "<os> says neither how to boot from a disk nor which kernel to start",
                    "add <loader dev=\"hd\"/> or <kernel>vmlinuz</kernel>");
            if (boot.OsType is { } osType && osType != XmlNames.Of(boot.Type))
                report(Severity.Warning, boot.Location, $"<os_type>{osType}</os_type> disagrees with <boot type=\"{XmlNames.Of(boot.Type)}\">", "the boot type wins; remove <os_type>");
            if (boot.Type == BootType.Hvm && boot.Os.Loader == "pygrub")
                report(Severity.Error, boot.Location, "pygrub boots Xen paravirt guests, not hvm ones", "use <loader dev=\"hd\"/> for an hvm boot");
            if (boot.Type == BootType.Xen && boot.Os.Firmware == Firmware.Efi)
                report(Severity.Error, boot.Location, "EFI firmware needs an hvm boot", "remove <firmware> or use type=\"hvm\"");
            var targets = new HashSet<string>(StringComparer.Ordinal);
            var disks = new HashSet<string>(StringComparer.Ordinal);
            foreach (var drive in boot.Drives)
            {
                if (!ids.Contains(drive.DiskId))
                    report(Severity.Error, drive.Location, $"drive refers to disk '{drive.DiskId}', which <storage> does not have",
                        ids.Count == 0 ? "add the disk to <storage>" : $"known disks: {string.Join(", ", ids.Where(id => id.Length > 0))}");
                if (!targets.Add(drive.Target))
                    report(Severity.Error, drive.Location, $"target '{drive.Target}' is used twice in this boot", "give each drive its own target (vda, vdb, …)");
                if (!disks.Add(drive.DiskId))
                    report(Severity.Error, drive.Location, $"disk '{drive.DiskId}' is mapped twice in this boot", "map each disk once");
                if (!TargetPattern().IsMatch(drive.Target))
                    report(Severity.Error, drive.Location, $"'{drive.Target}' is not a device name", "use names like vda, sda, hda or xvda");
                else if (!KnownTargetPrefix().IsMatch(drive.Target))
                    report(Severity.Warning, drive.Location, $"target '{drive.Target}' has no known bus prefix", "start it with vd (virtio), sd (SCSI), hd (IDE) or xvd (Xen)");
            }
        }
    }

    private static void CheckRecipeBoots(ApplianceDescriptor descriptor, Reporter report)
    {
        foreach (var boot in descriptor.Boots.Where(boot => boot.Os.Kernel is not null || boot.Os.Initrd is not null || boot.Os.LoaderPath is not null))
            report(Severity.Error, boot.Location, "the <boot> of a recipe names a kernel, initrd or loader", "leave them out: build takes the kernel and initrd from the packages it installs");
    }

    private static void CheckFiles(ApplianceDescriptor descriptor, ValidationPurpose purpose, Severity strictness, Reporter report)
    {
        // A recipe's disks and kernel do not exist yet (and naming them is an error of its own); its templates must.
        foreach (var referenced in descriptor.ReferencedFiles().Where(file => purpose != ValidationPurpose.Recipe || file.Kind == ReferencedFileKind.Template))
        {
            var path = referenced.Path;
            var what = referenced.Kind.ToString().ToLowerInvariant();
            if (path.Split('/').Contains(".."))
            {
                report(Severity.Error, referenced.Location, $"{what} path '{path}' leaves the appliance folder ('..')", "keep every file inside the appliance folder");
                continue;
            }
            if (Path.IsPathRooted(path))
            {
                report(strictness, referenced.Location, $"{what} path '{path}' is absolute", "appliance files are relative to the descriptor's folder; move the file next to it");
                continue;
            }
            if (descriptor.BaseDirectory is null)
                continue;
            var full = descriptor.ResolvePath(path);
            if (!File.Exists(full))
                report(strictness, referenced.Location, $"{what} file '{path}' does not exist (looked for {full})",
                    strictness == Severity.Error ? "put the file next to the descriptor, or fix the path" : "it is needed to pack, install or deploy");
        }
    }

    private static void CheckParameters(ApplianceDescriptor descriptor, Reporter report)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in descriptor.Parameters)
        {
            if (!ParameterNamePattern().IsMatch(parameter.Name))
                report(Severity.Error, parameter.Location, $"parameter name '{parameter.Name}' is not lower case letters, digits and _", "write e.g. name=\"admin_email\"");
            if (!names.Add(parameter.Name))
                report(Severity.Error, parameter.Location, $"parameter '{parameter.Name}' is declared twice", "declare each parameter once");
            if (parameter.Type == ParameterType.Enum && parameter.Choices.Count == 0)
                report(Severity.Error, parameter.Location, $"enum parameter '{parameter.Name}' has no <choice>", "list the allowed values as <choice>value</choice>");
            if (parameter.Type != ParameterType.Enum && parameter.Choices.Count > 0)
                report(Severity.Warning, parameter.Location, $"parameter '{parameter.Name}' has choices but is not an enum", "write type=\"enum\" or remove the choices");
            if ((parameter.Minimum is not null || parameter.Maximum is not null) && parameter.Type is not (ParameterType.Int or ParameterType.Port))
                report(Severity.Error, parameter.Location, $"min/max apply to int and port parameters, not to '{parameter.Name}'", "remove min and max");
            if (parameter.Default is { } value && ParameterValues.Check(parameter, value) is { } wrong)
                report(Severity.Error, parameter.Location, $"the default of '{parameter.Name}' does not fit its type: {wrong}", "fix the <default>");
            if (parameter.Type == ParameterType.Password && parameter.Default is not null)
                report(Severity.Warning, parameter.Location, $"password parameter '{parameter.Name}' has a default, shared by every site", "leave the default out and make it required");
        }
    }

    private static void CheckTemplatesHealthAndState(ApplianceDescriptor descriptor, Reporter report)
    {
        var guestPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var template in descriptor.Templates)
        {
            if (!template.GuestPath.StartsWith('/'))
                report(Severity.Error, template.Location, $"template path '{template.GuestPath}' is not an absolute path in the guest", "write path=\"/etc/…\"");
            if (!guestPaths.Add(template.GuestPath))
                report(Severity.Error, template.Location, $"two templates write '{template.GuestPath}'", "keep one");
            if (template.Mode is { } mode && !ModePattern().IsMatch(mode))
                report(Severity.Error, template.Location, $"mode '{mode}' is not an octal file mode", "write mode=\"0644\"");
        }

        if (descriptor.Health is { ConsolePattern: null, TcpPort: null } empty)
            report(Severity.Error, empty.Location, "<health> says nothing to check", HealthCheck.CheckHint);
        if (descriptor.Health is { TcpPort: { } healthPort } tcpHealth && descriptor.Devices.Interfaces == 0)
            report(Severity.Error, tcpHealth.Location, $"the TCP health check on port {healthPort} needs a network interface, and the appliance has none",
                "add <interface/> to <devices> (with <port guest=\"" + healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"/> to publish it)");
        foreach (var duplicate in descriptor.Devices.Ports.GroupBy(port => port.Guest).Where(group => group.Count() > 1))
            report(Severity.Error, duplicate.Last().Location, $"guest port {duplicate.Key} is declared twice", "declare each port once");
        if (descriptor.Health is { ConsolePattern: { } pattern } health)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException error)
            {
                report(Severity.Error, health.Location, $"console pattern is not a valid regular expression: {error.Message}", "fix the pattern");
            }
        }

        if (descriptor.Stateless is { } stateless)
        {
            var at = stateless.Location;
            var all = stateless.Persistent.Concat(stateless.Temporary.Select(entry => entry.Path)).ToList();
            foreach (var path in all.Where(path => !path.StartsWith('/')))
                report(Severity.Error, at, $"stateless path '{path}' is not absolute", "write path=\"/var/…\"");
            foreach (var path in all.GroupBy(path => path).Where(group => group.Count() > 1).Select(group => group.Key))
                report(Severity.Error, at, $"stateless path '{path}' is listed twice", "classify each path once");
            if (stateless.Persistent.Count > 0 && descriptor.Disks.All(disk => disk.Role != DiskRole.User))
                report(Severity.Error, at, "persistent paths need a user disk to live on", "add a <disk use=\"user\" size=\"…\"/>");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.+:/-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[0-9.]+(-[0-9.]+)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_.:/-]+$")]
    private static partial Regex TargetPattern();

    [GeneratedRegex(@"^(vd|sd|hd|xvd)[a-z]+$")]
    private static partial Regex KnownTargetPrefix();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*$")]
    private static partial Regex ParameterNamePattern();

    [GeneratedRegex(@"^0?[0-7]{3}$")]
    private static partial Regex ModePattern();
}
