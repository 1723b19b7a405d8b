using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// A VM's site values and its config disk: resolved against the appliance version's parameters,
/// rendered with its templates, written as a NoCloud seed that the VM gets read-only. Passwords
/// are kept on the config disk only; the index keeps the other values.
/// </summary>
internal static class SiteConfig
{
    /// <summary>The values given at deploy (--values file, then --set), checked against the parameters; templates checked too.</summary>
    /// <exception cref="InvalidInputException">A value, an assignment or the values file is wrong, or a template is.</exception>
    /// <param name="baseline">Values that the file and the assignments override (kept ones being reused); names the appliance does not declare are dropped.</param>
    public static async Task<SiteValues> ResolveAsync(ApplianceDescriptor descriptor, IReadOnlyList<string>? assignments, string? valuesFile,
        IReadOnlyDictionary<string, string>? baseline, CancellationToken cancellationToken)
    {
        RequireTemplates(descriptor);
        var fromFile = valuesFile is null ? null : await SiteValueInput.ReadFileAsync(valuesFile, cancellationToken).ConfigureAwait(false);
        var declared = descriptor.Parameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.Ordinal);
        var given = (baseline ?? new Dictionary<string, string>()).Where(pair => declared.Contains(pair.Key) && fromFile?.ContainsKey(pair.Key) != true)
            .ToDictionary(StringComparer.Ordinal);
        foreach (var (name, value) in SiteValueInput.ParseAssignments(assignments ?? []))
            given[name] = value;
        return SiteValues.Resolve(descriptor.Parameters, given, fromFile);
    }

    /// <summary>
    /// The values <paramref name="record"/> runs with (its own, passwords read back from its config disk),
    /// resolved against <paramref name="descriptor"/>: a value for a parameter the version no longer has is dropped.
    /// </summary>
    /// <exception cref="InvalidInputException">The version requires a value nobody set (set it with 'config set' first).</exception>
    /// <param name="extra">Values given with the operation (update --set), over the VM's own.</param>
    public static async Task<SiteValues> CurrentAsync(InstanceRecord record, ApplianceDescriptor descriptor, bool pending, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        RequireTemplates(descriptor);
        var disk = pending && record.PendingValues is not null ? record.PendingConfigDisk : record.ConfigDisk;
        var given = new Dictionary<string, string>(pending && record.PendingValues is { } values ? values : record.SiteValues, StringComparer.Ordinal);
        if (disk is not null && File.Exists(disk))
        {
            foreach (var (name, secret) in await ConfigDisk.ReadSecretsAsync(disk, cancellationToken).ConfigureAwait(false))
                given[name] = secret;
        }
        var declared = descriptor.Parameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.Ordinal);
        try
        {
            var kept = given.Where(pair => declared.Contains(pair.Key)).ToDictionary(StringComparer.Ordinal);
            foreach (var (name, value) in extra ?? new Dictionary<string, string>())
                kept[name] = value;
            return SiteValues.Resolve(descriptor.Parameters, kept);
        }
        catch (SiteValuesInvalidException error)
        {
            throw new InvalidInputException($"{record.Name} cannot run {descriptor.Name}@{descriptor.Version}-{descriptor.Release} with its values: {error.Message}", error)
            {
                Hint = $"give what it needs with the update: virt-appliance update {record.Name} --to {descriptor.Version} --set NAME=VALUE",
            };
        }
    }

    /// <summary>Renders the templates and writes the config disk of generation <paramref name="generation"/> to <paramref name="path"/>.</summary>
    /// <param name="puppet">The site's Puppet modules with the folders holding their files; none for an empty list.</param>
    public static async Task WriteAsync(ApplianceDescriptor descriptor, SiteValues values, string vmName, Guid uuid, int generation, string path,
        IReadOnlyList<SiteModuleSource> puppet, CancellationToken cancellationToken)
    {
        var files = await ConfigTemplates.RenderAsync(descriptor, values, cancellationToken).ConfigureAwait(false);
        var mac = descriptor.Devices.Interfaces > 0 ? DomainXml.InstanceOptions.MacAddressFor(uuid, 0) : null;
        await ConfigDisk.WriteAsync(new ConfigDiskSpec(ConfigDisk.NewInstanceId(uuid, generation), vmName, uuid, files, values, mac, descriptor.Stateless)
            { Puppet = puppet }, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The site modules of <paramref name="record"/> with its own copies of their files.</summary>
    public static IReadOnlyList<SiteModuleSource> PuppetOf(InstanceRecord record, IReadOnlyList<SiteModule> modules) =>
        [.. modules.Select(module => new SiteModuleSource(module, record.SiteModuleFolder(module)))];

    /// <summary>The values the index keeps: those set that are not passwords.</summary>
    public static IReadOnlyDictionary<string, string> Recorded(SiteValues values) =>
        values.Given.Where(pair => !values.IsSecret(pair.Key)).ToDictionary(StringComparer.Ordinal);

    private static void RequireTemplates(ApplianceDescriptor descriptor)
    {
        var errors = ConfigTemplates.Check(descriptor).Where(problem => problem.Severity == Severity.Error).ToList();
        if (errors.Count > 0)
            throw new DescriptorInvalidException(descriptor.BaseDirectory ?? descriptor.Name ?? "the appliance", errors);
    }
}
