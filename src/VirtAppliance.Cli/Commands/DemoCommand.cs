using System.CommandLine;
using VirtAppliance.Web;
using System.Diagnostics;
using VirtAppliance.Core.Services;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Errors;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>The whole life of an appliance on the bundled tiny appliance, with plain explanations, for a new user.</summary>
internal static class DemoCommand
{
    private const string DemoRoot = "/var/tmp/virt-appliance-demo";

    public static Command Create(GlobalOptions globals, Output output)
    {
        var keep = new Option<bool>("--keep") { Description = "Leave the demo VMs and store in place to look around" };
        var command = new Command("demo", $"""
            The whole life of an appliance, on the tiny appliance bundled with virt-appliance (a Debian
            kernel and busybox; version 1.0 writes a line to its user disk, 2.0 reads it):
            describe, check the host, pack and sign, install, deploy two VMs, update one to 2.0 with
            its data kept and site values given, change a value with config, clean up. It uses a private store ({DemoRoot}) and the local libvirt.
            Software emulation (qemu) is used unless ${HostMatchOptions.VirtTypeVariable} says otherwise.

            Examples:
              virt-appliance demo
              virt-appliance demo --keep
            """)
        {
            keep,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var source = SourceTree.Find() ?? throw new NotFoundException("the demo needs the virt-appliance source tree (its bundled appliances)")
            {
                Hint = "run it from a checkout: ./virt-appliance demo (or make demo)",
            };
            var demo = new Demo(context.Output, context.Services.Demo, source, Environment.GetEnvironmentVariable(HostMatchOptions.VirtTypeVariable) is { Length: > 0 } forced ? forced : "qemu");
            var clock = Stopwatch.StartNew();
            await demo.CleanAsync().ConfigureAwait(false);
            var exitCode = await demo.RunAsync(cancellationToken).ConfigureAwait(false);
            if (!context.Get(keep))
                await demo.CleanAsync().ConfigureAwait(false);
            context.Output.Line();
            context.Output.Line(exitCode == ExitCodes.Success
                ? $"Demo finished in {clock.Elapsed.TotalSeconds:0} s." + (context.Get(keep) ? $" The store is {DemoRoot}; 'virt-appliance vms --root {DemoRoot}' shows the VMs." : "")
                    + $"\nThe web page: 'virt-appliance serve{(context.Get(keep) ? $" --root {DemoRoot}" : "")}', then open http://{ServeOptions.DefaultListen}/ (docs/web.md)."
                : $"The demo stopped at a failed step (exit code {exitCode}).");
            return exitCode;
        });
        return command;
    }

    private sealed class Demo(Output output, DemoService demo, string source, string virtType)
    {
        private int step;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            Explain("Build the bundled appliance from Debian packages: a kernel, a busybox initramfs, ext4 disks. "
                + "Three versions: 1.0 writes a line to its user disk at every boot, 2.0 reads it, 3.0 is broken.");
            var fixtures = await demo.BuildAppliancesAsync(source, Path.Combine(DemoRoot, "build"), cancellationToken).ConfigureAwait(false);
            var v1 = Path.Combine(fixtures, "tiny-1.0");
            var v2 = Path.Combine(fixtures, "tiny-2.0");
            var packages = Path.Combine(DemoRoot, "packages");
            Directory.CreateDirectory(packages);

            var key = await demo.MakeSupplierKeyAsync(Path.Combine(DemoRoot, "gnupg"), cancellationToken).ConfigureAwait(false);
            var signing = key is null ? [] : new[] { "--sign-key", key.SecretKeyFile };
            var steps = new List<(string Explanation, string[] Args)>
            {
                ("An appliance is a folder: appliance.xml (metadata) next to its disk images. 'inspect' shows its boots "
                    + "and its disks with their roles: system (the supplier's code, replaced on update), user (your data, kept), scratch (temporary).",
                    ["inspect", v1]),
                ("'check' tells whether the appliance fits this host, requirement by requirement.", ["check", v1, "--virt-type", virtType]),
                ("'pack' makes one file of it: descriptor first, a manifest with a SHA-256 of every file, "
                    + (key is null ? "(gpg is missing, so no signature), " : "an OpenPGP signature by the supplier, ") + "then the sparse, compressed disks.",
                    ["pack", v1, "-o", Path.Combine(packages, "tiny-1.0.vapp"), .. signing]),
                ("Version 2.0 is packed the same way.", ["pack", v2, "-o", Path.Combine(packages, "tiny-2.0.vapp"), .. signing]),
            };
            if (key is not null)
                steps.Add(("The store trusts the supplier's public key; 'verify' then checks every digest and the signature.", ["trust", "add", key.PublicKeyFile]));
            steps.AddRange(new (string, string[])[]
            {
                ("'verify' checks a package before anything is installed.", ["verify", Path.Combine(packages, "tiny-1.0.vapp"), .. Unsigned(key)]),
                ("'install' verifies again, unpacks into a staging folder, makes the disks read-only and renames the whole into place.",
                    ["install", Path.Combine(packages, "tiny-1.0.vapp"), .. Unsigned(key)]),
                ("Version 2.0 is installed next to it; 1.0 stays.", ["install", Path.Combine(packages, "tiny-2.0.vapp"), .. Unsigned(key)]),
                ("'list' shows the store.", ["list"]),
                ("'deploy' makes two VMs from 1.0. Each gets a copy-on-write overlay on the pristine system disk, its own user disk and a new scratch disk; "
                    + "deploy waits for the appliance's health check (a line on its serial console).",
                    ["deploy", "tiny@1.0", "--name", "demo", "--count", "2", "--virt-type", virtType]),
                ("'vms' lists them with their appliance, version, state and disks.", ["vms"]),
            });
            foreach (var (explanation, args) in steps)
            {
                var exitCode = await RunStepAsync(explanation, args).ConfigureAwait(false);
                if (exitCode != ExitCodes.Success)
                    return exitCode;
            }
            ShowConsole("What demo-1 printed on its serial console (1.0 wrote its line to its user disk):", "demo-1");

            var update = await RunStepAsync("'update' moves demo-1 to 2.0: stop, new overlays on 2.0's system disk, a fresh scratch disk, "
                + "the same user disk, start, wait for health. If 2.0 did not become healthy, the VM would be rolled back to 1.0 automatically. "
                + "2.0 has site parameters (a mail server it needs, a greeting): their values go onto the VM's own config disk, "
                + "rendered into its config file, never into the appliance.",
                ["update", "demo-1", "--to", "2.0", "--set", "mail_host=mail.example.test", "--set", "greeting=hello from the site"]).ConfigureAwait(false);
            if (update != ExitCodes.Success)
                return update;
            ShowConsole("What demo-1 printed after the update: version 2.0 reads the line version 1.0 wrote, and the config file the site's values made.", "demo-1");
            foreach (var (explanation, args) in new (string, string[])[]
            {
                ("'config set' changes a site value; it waits on a new config disk until 'config apply'.", ["config", "demo-1", "set", "greeting=good day"]),
                ("'config apply' gives demo-1 its new config disk: restart, wait for health (and back to the old one if it failed).", ["config", "demo-1", "apply"]),
            })
            {
                var exitCode = await RunStepAsync(explanation, args).ConfigureAwait(false);
                if (exitCode != ExitCodes.Success)
                    return exitCode;
            }
            ShowConsole("What demo-1 printed after 'config apply': the new greeting, from the site, not from the appliance.", "demo-1");
            return await RunStepAsync("demo-1 now runs 2.0 and demo-2 still runs 1.0, from the same untouched pristine images.", ["vms"]).ConfigureAwait(false);
        }

        public async Task CleanAsync()
        {
            if (!Directory.Exists(DemoRoot))
                return;
            foreach (var vm in new[] { "demo-1", "demo-2" })
                await CliApplication.RunAsync(["undeploy", vm, "--delete-data", "--root", DemoRoot], Output.ForWriters(TextWriter.Null, TextWriter.Null)).ConfigureAwait(false);
            foreach (var folder in new[] { "appliances", "instances", "kept", "packages", "trusted-keys", "gnupg", ".staging" })
            {
                var path = Path.Combine(DemoRoot, folder);
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
            }
            foreach (var file in Directory.EnumerateFiles(DemoRoot, "index.db*"))
                File.Delete(file);
        }

        private async Task<int> RunStepAsync(string explanation, string[] args)
        {
            Explain(explanation, "virt-appliance " + string.Join(' ', args.Select(arg => arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg)));
            var exitCode = await CliApplication.RunAsync([.. args, "--root", DemoRoot], output).ConfigureAwait(false);
            if (exitCode != ExitCodes.Success)
                output.Error($"virt-appliance: demo step {step} failed with exit code {exitCode}");
            return exitCode;
        }

        private void Explain(string explanation, string? command = null)
        {
            output.Line();
            output.Line($"== step {++step}" + (command is null ? "" : $": {command}"));
            output.Line(explanation);
            output.Line();
        }

        private void ShowConsole(string explanation, string vm)
        {
            output.Line();
            output.Line(explanation);
            foreach (var line in demo.ConsoleLines(DemoRoot, vm).Where(line => line.StartsWith("virt-appliance:", StringComparison.Ordinal)))
                output.Line("  | " + line);
        }

        private static string[] Unsigned(SupplierKey? key) => key is null ? ["--allow-unsigned"] : [];
    }
}
