using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Store;

/// <summary>Name, version and release of an appliance, read from its descriptor's &lt;name&gt; element.</summary>
internal sealed partial record ApplianceIdentity(string Name, string Version, string Release)
{
    /// <summary>What the descriptor says when it omits version or release.</summary>
    public const string DefaultVersion = "0";

    public string VersionRelease => $"{Version}-{Release}";

    public override string ToString() => $"{Name}@{VersionRelease}";

    // Names become folder names; '-' separates version from release, as in RPM.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+~]{0,31}$")]
    private static partial Regex VersionPattern();

    public static ApplianceIdentity FromDescriptor(byte[] descriptor, string source)
    {
        using var stream = new MemoryStream(descriptor, writable: false);
        var read = DescriptorReader.Read(stream, $"{source}: appliance.xml", baseDirectory: null);
        if (read.Descriptor is null)
        {
            var problem = read.Problems.First(problem => problem.Severity == Severity.Error);
            throw new InvalidInputException(problem.ToString()) { Hint = problem.Hint };
        }
        if (read.Descriptor.Name is not { } name)
            throw new InvalidInputException($"{source}: appliance.xml has no <name>") { Hint = "add <name version=\"1.0\" release=\"1\">NAME</name>" };
        return Create(name, read.Descriptor.Version ?? DefaultVersion, read.Descriptor.Release ?? DefaultVersion, source);
    }

    public static ApplianceIdentity Create(string name, string version, string release, string source)
    {
        if (!NamePattern().IsMatch(name))
            throw new InvalidInputException($"{source}: the appliance name '{name}' is not allowed") { Hint = "use letters, digits, '.', '_', '+' and '-' (at most 64)" };
        if (!VersionPattern().IsMatch(version))
            throw new InvalidInputException($"{source}: the version '{version}' is not allowed") { Hint = "use letters, digits, '.', '_', '+' and '~', no '-'" };
        if (!VersionPattern().IsMatch(release))
            throw new InvalidInputException($"{source}: the release '{release}' is not allowed") { Hint = "use letters, digits, '.', '_', '+' and '~', no '-'" };
        return new ApplianceIdentity(name, version, release);
    }
}
