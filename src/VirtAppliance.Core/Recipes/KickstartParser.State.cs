using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

public static partial class KickstartParser
{
    /// <summary>What has been read so far, and the checks that need the whole file.</summary>
    private sealed class ParseState(KickstartContext context)
    {
        private readonly Dictionary<string, int> _firstLines = new(StringComparer.Ordinal);
        private readonly Dictionary<string, KickstartToken> _enabled = new(StringComparer.Ordinal);
        private readonly Dictionary<string, KickstartToken> _disabled = new(StringComparer.Ordinal);

        public KickstartContext Context { get; } = context;

        public List<KickstartPartition> Partitions { get; } = [];

        public Dictionary<string, int> MountPointLines { get; } = new(StringComparer.Ordinal);

        public List<KickstartRepo> Repos { get; } = [];

        public KickstartPackages? Packages { get; set; }

        public List<KickstartScript> PostScripts { get; } = [];

        public KickstartRootPassword? RootPassword { get; set; }

        public string? Timezone { get; set; }

        public bool TimezoneUtc { get; set; }

        public string? Keyboard { get; set; }

        public string? Lang { get; set; }

        public string? BootloaderAppend { get; set; }

        public int? BootloaderTimeout { get; set; }

        public string? Hostname { get; set; }

        /// <summary>
        /// True the first time a once-only command (or section) appears; later ones are errors that name the
        /// first's line, and are not applied.
        /// </summary>
        public bool First(KickstartToken command, string? key = null)
        {
            key ??= command.Text;
            if (_firstLines.TryGetValue(key, out var line))
            {
                Context.Error(command, $"'{key}' appears more than once; the first is on line {line}", $"keep only one '{key}'");
                return false;
            }
            _firstLines[key] = command.Line;
            return true;
        }

        public void AddService(KickstartToken service, bool enabled)
        {
            var (mine, other) = enabled ? (_enabled, _disabled) : (_disabled, _enabled);
            if (other.TryGetValue(service.Text, out var earlier))
            {
                Context.Error(service, $"the service '{service.Text}' is both enabled and disabled (also on line {earlier.Line})",
                    "keep it in one of --enabled and --disabled");
                return;
            }
            mine.TryAdd(service.Text, service);
        }

        /// <summary>The checks that need every line: one root file system, at least one repository.</summary>
        public void Finish()
        {
            if (!Partitions.Any(partition => partition.MountPoint == "/"))
                Context.Error(0, 0, "no partition is mounted at /", "add e.g. 'part / --size=4096 --grow'");
            if (Repos.Count == 0)
                Context.Error(0, 0, "the kickstart names no package repository",
                    "add 'url --url=URL' or 'repo --name=NAME --baseurl=URL' (for Debian with --suite=SUITE --components=main)");
        }

        public Kickstart Build(string path) => new()
        {
            Path = path,
            Partitions = Partitions,
            Repos = Repos,
            Packages = Packages ?? new KickstartPackages(),
            PostScripts = PostScripts,
            RootPassword = RootPassword,
            EnabledServices = [.. _enabled.Values.OrderBy(token => token.Line).ThenBy(token => token.Column).Select(token => token.Text)],
            DisabledServices = [.. _disabled.Values.OrderBy(token => token.Line).ThenBy(token => token.Column).Select(token => token.Text)],
            Timezone = Timezone,
            TimezoneUtc = TimezoneUtc,
            Keyboard = Keyboard,
            Lang = Lang,
            BootloaderAppend = BootloaderAppend,
            BootloaderTimeout = BootloaderTimeout,
            Hostname = Hostname,
            Warnings = [.. Context.Problems.Where(problem => problem.Severity == Severity.Warning)],
        };
    }
}
