using System.Text.RegularExpressions;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

public static partial class KickstartParser
{
    private const string RemoveLine = "remove the line; it changes nothing in the image";
    private const string InPost = "set it up in a %post script or with a puppet module";

    /// <summary>Commands the build carries out.</summary>
    private static readonly Dictionary<string, Action<List<KickstartToken>, ParseState>> Handlers = new(StringComparer.Ordinal)
    {
        ["part"] = ReadPartition,
        ["partition"] = ReadPartition,
        ["repo"] = ReadRepo,
        ["url"] = ReadUrl,
        ["rootpw"] = ReadRootPassword,
        ["services"] = ReadServices,
        ["timezone"] = ReadTimezone,
        ["keyboard"] = ReadKeyboard,
        ["lang"] = ReadLang,
        ["bootloader"] = ReadBootloader,
        ["network"] = ReadNetwork,
    };

    /// <summary>Commands that only steer the installer: ignored with a warning, whatever their options.</summary>
    private static readonly Dictionary<string, string> InstallerOnly = new(StringComparer.Ordinal)
    {
        ["text"] = RemoveLine,
        ["graphical"] = RemoveLine,
        ["cmdline"] = RemoveLine,
        ["reboot"] = RemoveLine,
        ["poweroff"] = RemoveLine,
        ["shutdown"] = RemoveLine,
        ["halt"] = RemoveLine,
        ["skipx"] = RemoveLine,
        ["firstboot"] = RemoveLine,
        ["zerombr"] = "remove the line; the build writes new disk images",
        ["clearpart"] = "remove the line; the build writes new disk images",
        ["ignoredisk"] = "remove the line; the partitions' --ondisk names the descriptor's disks",
        ["install"] = RemoveLine,
        ["eula"] = RemoveLine,
        ["selinux"] = InPost,
        ["firewall"] = InPost,
        ["auth"] = InPost,
        ["authconfig"] = InPost,
        ["authselect"] = InPost,
        ["sshpw"] = "remove the line; it sets a password for the installer's ssh, and a build runs no installer",
        ["logging"] = RemoveLine,
        ["cdrom"] = "packages come from the url and repo lines",
        ["harddrive"] = "packages come from the url and repo lines",
        ["nfs"] = "packages come from the url and repo lines",
        ["key"] = RemoveLine,
        ["unsupported_hardware"] = RemoveLine,
        ["mediacheck"] = RemoveLine,
        ["vnc"] = RemoveLine,
        ["rdp"] = RemoveLine,
        ["interactive"] = RemoveLine,
        ["autostep"] = RemoveLine,
        ["xconfig"] = InPost,
        ["updates"] = RemoveLine,
        ["driverdisk"] = RemoveLine,
        ["rescue"] = RemoveLine,
        ["upgrade"] = RemoveLine,
        ["zipl"] = RemoveLine,
    };

    private const string PlainPartitions = "only plain partitions are supported: declare them with 'part MOUNTPOINT --size=MiB' on the descriptor's disks";
    private const string UsersInPost = "create it in a %post script or with a puppet module";
    private const string PackagesFromRepos = "the build installs packages: use url or repo lines and %packages";

    /// <summary>Kickstart commands the build cannot carry out: errors, with what to do instead.</summary>
    private static readonly Dictionary<string, string> RefusedCommands = new(StringComparer.Ordinal)
    {
        ["autopart"] = "declare partitions with part, e.g. 'part / --size=4096 --grow'",
        ["reqpart"] = PlainPartitions,
        ["logvol"] = PlainPartitions,
        ["volgroup"] = PlainPartitions,
        ["raid"] = PlainPartitions,
        ["btrfs"] = PlainPartitions,
        ["stratis"] = PlainPartitions,
        ["user"] = UsersInPost,
        ["group"] = UsersInPost,
        ["sshkey"] = UsersInPost,
        ["realm"] = InPost,
        ["timesource"] = InPost,
        ["module"] = "name the packages in %packages",
        ["liveimg"] = PackagesFromRepos,
        ["ostreesetup"] = PackagesFromRepos,
        ["ostreecontainer"] = PackagesFromRepos,
        ["bootc"] = PackagesFromRepos,
        ["device"] = "the appliance's devices are in its descriptor",
        ["iscsi"] = "the appliance's disks are in its descriptor",
        ["iscsiname"] = "the appliance's disks are in its descriptor",
        ["fcoe"] = "the appliance's disks are in its descriptor",
        ["zfcp"] = "the appliance's disks are in its descriptor",
        ["multipath"] = "the appliance's disks are in its descriptor",
        ["dmraid"] = "the appliance's disks are in its descriptor",
        ["nvdimm"] = "the appliance's disks are in its descriptor",
        ["mount"] = "declare partitions with part",
        ["snapshot"] = PlainPartitions,
        ["rhsm"] = InPost,
        ["syspurpose"] = InPost,
    };

    private static void ReadCommand(List<KickstartToken> tokens, ParseState state)
    {
        var command = tokens[0];
        var context = state.Context;
        if (Handlers.TryGetValue(command.Text, out var handler))
        {
            handler(tokens, state);
        }
        else if (InstallerOnly.TryGetValue(command.Text, out var ignoredHint))
        {
            context.Warning(command, $"ignored: '{command.Text}' is an installer command, and a build runs no installer", ignoredHint);
        }
        else if (RefusedCommands.TryGetValue(command.Text, out var refusedHint))
        {
            context.Error(command, $"the kickstart command '{command.Text}' is not supported", refusedHint);
        }
        else
        {
            var suggestion = Spelling.Suggest(command.Text, [.. Handlers.Keys, .. InstallerOnly.Keys, .. RefusedCommands.Keys]);
            context.Error(command, $"unknown kickstart command '{command.Text}'",
                suggestion is null ? "see docs/recipe.md, \"The kickstart\", for the commands a recipe may use" : $"did you mean '{suggestion}'?");
        }
    }

    private static readonly KickstartOption[] RootPasswordOptions =
    [
        KickstartOption.Flag("--iscrypted"),
        KickstartOption.Flag("--plaintext"),
        KickstartOption.Flag("--lock"),
        KickstartOption.Ignored("--allow-ssh", false, "the image's sshd configuration decides; " + InPost),
    ];

    private static void ReadRootPassword(List<KickstartToken> tokens, ParseState state)
    {
        var context = state.Context;
        var arguments = KickstartArguments.Parse(tokens, RootPasswordOptions, context);
        arguments.RejectPositionals(1);
        var command = arguments.Command;
        var password = arguments.Positionals.Count > 0 ? arguments.Positionals[0].Text : null;
        var crypted = arguments.Has("--iscrypted");
        var locked = arguments.Has("--lock");
        if (crypted && arguments.Has("--plaintext"))
            context.Error(arguments.Token("--plaintext")!.Value, "'rootpw' has both --iscrypted and --plaintext", "keep one of them");
        if (password is null && !locked)
        {
            context.Error(command, "'rootpw' needs a password or --lock",
                "write 'rootpw --lock', or 'rootpw --iscrypted HASH' with a hash from 'openssl passwd -6'");
            return;
        }
        if (password is not null && !crypted)
            context.Warning(command, "a password in a recipe ends up in every image; prefer --lock or --iscrypted",
                "write 'rootpw --lock', or 'rootpw --iscrypted HASH' with a hash from 'openssl passwd -6'");
        if (state.First(command))
            state.RootPassword = new KickstartRootPassword(password, crypted && password is not null, locked, context.At(command));
    }

    private static readonly KickstartOption[] ServicesOptions = [KickstartOption.Value("--enabled"), KickstartOption.Value("--disabled")];

    private static void ReadServices(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, ServicesOptions, state.Context);
        arguments.RejectPositionals();
        if (!arguments.Has("--enabled") && !arguments.Has("--disabled"))
            state.Context.Error(arguments.Command, "'services' names no service", "write e.g. 'services --enabled=sshd,nginx --disabled=postfix'");
        foreach (var (option, enabled) in new[] { ("--enabled", true), ("--disabled", false) })
        {
            if (arguments.Token(option) is not { } list)
                continue;
            foreach (var name in list.Text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var service = list with { Text = name };
                if (ServicePattern().IsMatch(name))
                    state.AddService(service, enabled);
                else
                    state.Context.Error(service, $"'{name}' is not a service name", "write systemd unit names separated by commas, without spaces");
            }
        }
    }

    private static readonly KickstartOption[] TimezoneOptions =
    [
        KickstartOption.Flag("--utc"),
        KickstartOption.Flag("--isUtc", "--utc"),
        KickstartOption.Ignored("--nontp", false, "the image's packages decide whether a time service runs; " + InPost),
        KickstartOption.Ignored("--ntpservers", true, "configure the time service in a %post script or with a puppet module"),
    ];

    private static void ReadTimezone(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, TimezoneOptions, state.Context);
        if (arguments.Single("a time zone", "timezone Europe/Berlin --utc") is not { } zone)
            return;
        if (!TimezonePattern().IsMatch(zone.Text))
        {
            state.Context.Error(zone, $"'{zone.Text}' is not a time zone name", "use a name from /usr/share/zoneinfo, e.g. Europe/Berlin or UTC");
            return;
        }
        if (!state.First(arguments.Command))
            return;
        state.Timezone = zone.Text;
        state.TimezoneUtc = arguments.Has("--utc");
    }

    private static readonly KickstartOption[] KeyboardOptions =
    [
        KickstartOption.Value("--vckeymap"),
        KickstartOption.Value("--xlayouts"),
        KickstartOption.Ignored("--switch", true, "the image has no graphical session to switch layouts in"),
    ];

    private static void ReadKeyboard(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, KeyboardOptions, state.Context);
        arguments.RejectPositionals(1);
        var source = arguments.Token("--vckeymap")
            ?? (arguments.Positionals.Count > 0 ? arguments.Positionals[0] : (KickstartToken?)null)
            ?? arguments.Token("--xlayouts");
        var layout = source?.Text.Split(',', StringSplitOptions.TrimEntries)[0];
        if (source is null || string.IsNullOrEmpty(layout))
        {
            state.Context.Error(source ?? arguments.Command, "'keyboard' names no layout", "write e.g. 'keyboard --vckeymap=us' or 'keyboard de'");
            return;
        }
        if (!KeymapPattern().IsMatch(layout))
        {
            state.Context.Error(source.Value, $"'{layout}' is not a keymap name", "use a console keymap name such as us, de or fr-latin1");
            return;
        }
        if (state.First(arguments.Command))
            state.Keyboard = layout;
    }

    private static readonly KickstartOption[] LangOptions =
        [KickstartOption.Ignored("--addsupport", true, "name the locales' packages in %packages and generate them in a %post script or with a puppet module")];

    private static void ReadLang(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, LangOptions, state.Context);
        if (arguments.Single("a locale", "lang en_US.UTF-8") is not { } locale)
            return;
        if (!LocalePattern().IsMatch(locale.Text))
        {
            state.Context.Error(locale, $"'{locale.Text}' is not a locale name", "write e.g. en_US.UTF-8, de_DE.UTF-8 or C.UTF-8");
            return;
        }
        if (state.First(arguments.Command))
            state.Lang = locale.Text;
    }

    private const string BootloaderIgnored = "the build installs the boot loader the descriptor's firmware needs";

    private static readonly KickstartOption[] BootloaderOptions =
    [
        KickstartOption.Value("--append"),
        KickstartOption.Value("--timeout"),
        KickstartOption.Value("--location"),
        KickstartOption.Ignored("--driveorder", true, BootloaderIgnored),
        KickstartOption.Ignored("--boot-drive", true, BootloaderIgnored),
        KickstartOption.Ignored("--leavebootorder", false, BootloaderIgnored),
        KickstartOption.Ignored("--password", true, "a boot loader password is not set by the build; " + InPost),
        KickstartOption.Ignored("--iscrypted", false, "a boot loader password is not set by the build; " + InPost),
        KickstartOption.Ignored("--md5pass", true, "a boot loader password is not set by the build; " + InPost),
        KickstartOption.Ignored("--extlinux", false, BootloaderIgnored),
        KickstartOption.Ignored("--sdboot", false, BootloaderIgnored),
        KickstartOption.Ignored("--nombr", false, BootloaderIgnored),
        KickstartOption.Ignored("--disabled", false, BootloaderIgnored),
        KickstartOption.Ignored("--lba32", false, BootloaderIgnored),
        KickstartOption.Ignored("--linear", false, BootloaderIgnored),
        KickstartOption.Ignored("--nolinear", false, BootloaderIgnored),
        KickstartOption.Ignored("--upgrade", false, BootloaderIgnored),
    ];

    private static readonly string[] BootloaderLocations = ["mbr", "none", "partition", "boot"];

    private static void ReadBootloader(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, BootloaderOptions, state.Context);
        arguments.RejectPositionals();
        if (arguments.Token("--location") is { } location && !BootloaderLocations.Contains(location.Text))
            state.Context.Error(location, $"--location '{location.Text}' is not a boot loader location", $"use one of: {string.Join(", ", BootloaderLocations)}");
        var timeout = arguments.Integer("--timeout", 0, 600, "seconds");
        if (!state.First(arguments.Command))
            return;
        state.BootloaderAppend = arguments.Value("--append") is { } append && append.Trim().Length > 0 ? append.Trim() : null;
        state.BootloaderTimeout = (int?)timeout;
    }

    private const string Dhcp = "the appliance's VM gets its address by DHCP on its network interface";

    private static readonly KickstartOption[] NetworkOptions =
    [
        KickstartOption.Value("--hostname"),
        .. new[]
        {
            "--bootproto", "--device", "--onboot", "--ip", "--ipv6", "--netmask", "--gateway", "--ipv6gateway", "--nameserver",
            "--mtu", "--ethtool", "--essid", "--wepkey", "--wpakey", "--dhcpclass", "--bondslaves", "--bondopts", "--vlanid",
            "--interfacename", "--teamslaves", "--teamconfig", "--bridgeslaves", "--bridgeopts", "--ipv4-dns-search",
            "--ipv6-dns-search", "--bindto",
        }.Select(name => KickstartOption.Ignored(name, true, Dhcp)),
        .. new[]
        {
            "--activate", "--no-activate", "--nodefroute", "--nodns", "--noipv4", "--noipv6", "--ipv4-ignore-auto-dns", "--ipv6-ignore-auto-dns",
        }.Select(name => KickstartOption.Ignored(name, false, Dhcp)),
    ];

    private static void ReadNetwork(List<KickstartToken> tokens, ParseState state)
    {
        var arguments = KickstartArguments.Parse(tokens, NetworkOptions, state.Context);
        arguments.RejectPositionals();
        if (arguments.Token("--hostname") is not { } hostname)
            return;
        if (!HostnamePattern().IsMatch(hostname.Text) || hostname.Text.Length > 253)
        {
            state.Context.Error(hostname, $"'{hostname.Text}' is not a host name",
                "use letters, digits and '-' in dot-separated labels of up to 63 characters, e.g. calendar or calendar.example.org");
            return;
        }
        if (state.First(arguments.Command, "network --hostname"))
            state.Hostname = hostname.Text;
    }

    [GeneratedRegex(@"^[A-Za-z0-9@._:\\-]+\z")]
    private static partial Regex ServicePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*\z")]
    private static partial Regex TimezonePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex KeymapPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.@-]*\z")]
    private static partial Regex LocalePattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex HostnamePattern();
}
