using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// A site's Puppet module folder: checked before anything changes (its name, its files, every manifest
/// through <c>puppet parser validate</c>, the classes it is to include defined where Puppet's autoloader
/// looks), digested, and copied. The module name is its folder's name.
/// </summary>
public static partial class SitePuppet
{
    /// <summary>The most files one module may have.</summary>
    public const int MaxFiles = 2000;

    /// <summary>The most bytes one module's files may hold together (it goes onto the config disk).</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <summary>True for a name Puppet takes as a module name: a lower-case letter, then lower-case letters, digits and '_'.</summary>
    public static bool IsModuleName(string name) => ModuleName().IsMatch(name ?? "");

    /// <summary>
    /// Checks the module in <paramref name="folder"/> and what to include from it; returns the module as it would be recorded.
    /// </summary>
    /// <param name="classes">The classes to include; none for the module's own (its name).</param>
    /// <param name="applianceModules">The appliance's own Puppet modules, which a site module may not shadow; null when unknown.</param>
    /// <exception cref="NotFoundException">There is no such folder.</exception>
    /// <exception cref="SitePuppetInvalidException">Every problem found (names, files, manifests, classes), with file:line:column.</exception>
    public static async Task<SiteModule> InspectAsync(string folder, IReadOnlyList<string> classes, SiteModuleKind kind,
        IReadOnlyCollection<string>? applianceModules, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(classes);
        var root = Path.GetFullPath(folder).TrimEnd('/');
        if (!Directory.Exists(root))
            throw new NotFoundException($"{folder} is not a folder") { Hint = "give the Puppet module's folder (the one holding manifests/init.pp); its name is the module's" };
        var name = Path.GetFileName(root);
        var problems = new List<RecipeProblem>();
        void Problem(string file, string message, string hint, int line = 0, int column = 0) =>
            problems.Add(new RecipeProblem(Severity.Error, new SourceLocation(file, line, column), message, hint));

        if (!IsModuleName(name))
            Problem(root, $"'{name}' is not a Puppet module name", "name the folder with a lower-case letter, then lower-case letters, digits and '_' (e.g. site_syslog)");
        else if (applianceModules?.Contains(name) == true)
            Problem(root, $"the appliance has a module called '{name}' itself; a site module of that name would replace it",
                $"name the site's module differently (e.g. site_{name}) and override with 'class site_{name} inherits {name} {{ … }}'");

        var files = new List<string>();
        long bytes = 0;
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null)
                Problem(entry.FullName, "is a symbolic link", "copy the file into the module instead");
            else if (entry is FileInfo file)
            {
                if ((file.UnixFileMode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
                    Problem(file.FullName, "is set-user-ID or set-group-ID", "a module holds plain files; drop the bit (chmod ug-s)");
                else
                {
                    files.Add(file.FullName);
                    bytes += file.Length;
                }
            }
        }
        if (files.Count > MaxFiles)
            Problem(root, $"has {files.Count} files, more than {MaxFiles}", "keep the site's module small; it goes onto the VM's config disk");
        if (bytes > MaxBytes)
            Problem(root, $"holds {bytes / (1024 * 1024)} MiB, more than {MaxBytes / (1024 * 1024)} MiB", "keep the site's module small; it goes onto the VM's config disk");

        var manifests = files.Where(file => file.EndsWith(".pp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (!manifests.Any(file => Path.GetDirectoryName(file) is { } parent && parent.StartsWith(Path.Combine(root, "manifests"), StringComparison.Ordinal)))
            Problem(Path.Combine(root, "manifests"), "the module has no manifests (manifests/*.pp)", $"write its main class in manifests/init.pp: class {name} {{ … }}");
        problems.AddRange(await PuppetValidator.ValidateAsync(manifests, cancellationToken).ConfigureAwait(false));

        var wanted = classes.Count == 0 ? [name] : classes.Select(cls => cls.Trim().TrimStart(':')).ToList();
        foreach (var cls in wanted)
        {
            if (!ClassName().IsMatch(cls))
                Problem(root, $"'{cls}' is not a Puppet class name", "write NAME or NAME::PART, lower-case letters, digits and '_'");
            else if (cls != name && !cls.StartsWith(name + "::", StringComparison.Ordinal))
                Problem(root, $"class '{cls}' is not in module '{name}'", $"a module's classes are '{name}' or '{name}::…' (Puppet finds them by that name)");
            else
            {
                // Where Puppet's autoloader looks for the class: NAME → manifests/init.pp, NAME::A::B → manifests/a/b.pp.
                var parts = cls.Split("::");
                var file = parts.Length == 1 ? Path.Combine(root, "manifests", "init.pp") : Path.Combine([root, "manifests", .. parts[1..^1], parts[^1] + ".pp"]);
                if (!File.Exists(file) || !Defines(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), cls))
                    Problem(file, $"class '{cls}' is not defined here, where Puppet looks for it", $"define it in {Path.GetRelativePath(root, file)}: class {cls} {{ … }}");
            }
        }
        if (wanted.Distinct(StringComparer.Ordinal).Count() != wanted.Count)
            Problem(root, "a class is named twice", "name each class once");
        if (problems.Count > 0)
            throw new SitePuppetInvalidException(root, problems);
        return new SiteModule(name, kind, wanted, await DigestAsync(root, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// SHA-256 over the module's files: for each file in ordinal order of its path, "path NUL sha256-hex NUL executable LF".
    /// Equal module folders have equal digests wherever they are.
    /// </summary>
    public static async Task<string> DigestAsync(string folder, CancellationToken cancellationToken)
    {
        var files = new List<(string Relative, byte[] Content, bool Executable)>();
        foreach (var (relative, full, executable) in Files(folder))
            files.Add((relative, await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false), executable));
        return Digest(files);
    }

    /// <summary>The digest of <see cref="DigestAsync"/> over files already read, in ordinal order of their paths.</summary>
    public static string Digest(IEnumerable<(string Relative, byte[] Content, bool Executable)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = new StringBuilder();
        foreach (var (relative, content, executable) in files)
            text.Append(relative).Append('\0').Append(Convert.ToHexStringLower(SHA256.HashData(content))).Append('\0').Append(executable ? '1' : '0').Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The module's files: path relative to the folder ('/'-separated), full path, and whether the owner may execute it; in ordinal order.</summary>
    public static IReadOnlyList<(string Relative, string Full, bool Executable)> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(full => (Relative: Path.GetRelativePath(folder, full), Full: full, Executable: (File.GetUnixFileMode(full) & UnixFileMode.UserExecute) != 0))
            .OrderBy(file => file.Relative, StringComparer.Ordinal)];

    /// <summary>Copies the module's files to <paramref name="target"/> (made through a staging folder and renamed into place); nothing when it exists.</summary>
    /// <returns>True when it made <paramref name="target"/>.</returns>
    public static bool CopyTo(string folder, string target)
    {
        if (Directory.Exists(target))
            return false;
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
        try
        {
            foreach (var (relative, full, executable) in Files(folder))
            {
                var destination = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(full, destination);
                File.SetUnixFileMode(destination, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
            }
            Directory.CreateDirectory(staging);
            Directory.Move(staging, target);
            return true;
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static bool Defines(string manifest, string cls) =>
        Regex.IsMatch(manifest, $@"(^|\n)\s*class\s+(::)?{Regex.Escape(cls)}(?![A-Za-z0-9_:])", RegexOptions.None, TimeSpan.FromSeconds(1));

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ModuleName();

    [GeneratedRegex("^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$")]
    private static partial Regex ClassName();
}
