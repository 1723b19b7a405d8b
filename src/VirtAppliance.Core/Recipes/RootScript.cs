using System.Globalization;
using System.Text;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Writes the shell hooks mmdebstrap runs inside its chroot setup: our guest files, the kickstart's settings,
/// Puppet's build-phase run, the %post scripts, and the removal of every per-machine identity. Each step prints a
/// marker, so a failure can be traced to the kickstart line or the Puppet run that caused it.
/// </summary>
internal static class RootScript
{
    public const string Marker = "virt-appliance-build: step ";

    public const string PuppetHome = "/usr/share/virt-appliance/puppet";

    public static string Essential(string overlay) =>
        $"""
        #!/bin/sh
        # Before the non-essential packages: the kernel's initramfs hook must see our initramfs settings and fstab.
        set -eu
        root="$1"
        cp -a {Quote(overlay)}/etc/initramfs-tools "$root/etc/"
        cp -a {Quote(overlay)}/etc/fstab "$root/etc/fstab"

        """;

    public static string Customize(Recipe recipe, string overlay, string work)
    {
        var kickstart = recipe.Kickstart;
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $$"""
            #!/bin/sh
            set -eu
            root="$1"
            step() { echo "{{Marker}}$*"; }
            step files
            cp -a {{Quote(overlay)}}/. "$root/"
            chmod 0755 "$root/usr/lib/virt-appliance/setup" "$root/usr/lib/virt-appliance/grow"
            chroot "$root" systemctl enable virt-appliance-setup.service systemd-networkd.service

            """);

        script.Append("step settings\n");
        if (kickstart.Timezone is { } zone)
        {
            script.Append(CultureInfo.InvariantCulture, $$"""
                [ -e "$root/usr/share/zoneinfo/{{zone}}" ] || { echo "timezone {{zone}}: no such zone in the image (is tzdata in %packages?)" >&2; exit 1; }
                ln -sf {{Quote("/usr/share/zoneinfo/" + zone)}} "$root/etc/localtime"
                echo {{Quote(zone)}} >"$root/etc/timezone"

                """);
        }
        script.Append(CultureInfo.InvariantCulture, $"echo {Quote("LANG=" + (kickstart.Lang ?? "C.UTF-8"))} >\"$root/etc/default/locale\"\n");
        if (kickstart.Keyboard is { } keyboard)
            script.Append(CultureInfo.InvariantCulture, $"printf 'XKBMODEL=\"pc105\"\\nXKBLAYOUT=\"%s\"\\n' {Quote(keyboard)} >\"$root/etc/default/keyboard\"\n");
        switch (kickstart.RootPassword)
        {
            case { Locked: true }:
                script.Append("chroot \"$root\" usermod -p '!*' root\n");
                break;
            case { IsCrypted: true, Password: { } hash }:
                script.Append(CultureInfo.InvariantCulture, $"chroot \"$root\" usermod -p {Quote(hash)} root\n");
                break;
            case { Password: { } plain }:
                script.Append(CultureInfo.InvariantCulture, $"echo {Quote("root:" + plain)} | chroot \"$root\" chpasswd\n");
                break;
            default:
                break;
        }

        if (recipe.PuppetFolder is not null)
        {
            // Puppet picks its service provider from /proc/1/comm; in a chroot that is the build host's init. The
            // guest runs systemd, so Puppet must enable units the systemd way: it sees "systemd" for this run only.
            script.Append(CultureInfo.InvariantCulture, $"""
                step puppet
                echo systemd >{Quote(work + "/comm")}
                mount --bind {Quote(work + "/comm")} "$root/proc/1/comm"
                set +e
                chroot "$root" env FACTER_virt_appliance_phase=build puppet apply --detailed-exitcodes --color=false \
                  --modulepath={PuppetHome}/modules {PuppetHome}/manifests/site.pp
                status=$?
                set -e
                umount "$root/proc/1/comm"
                if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then echo "puppet apply failed (exit $status)" >&2; exit 1; fi
                rm -rf "$root/var/lib/puppet/state" "$root/var/lib/puppet/reports" "$root/var/lib/puppet/clientbucket" \
                  "$root/var/cache/puppet"/* "$root/var/log/puppet"/*

                """);
        }

        // After Puppet, so that the kickstart can enable units the module installs.
        script.Append("step services\n");
        foreach (var service in kickstart.EnabledServices)
            script.Append(CultureInfo.InvariantCulture, $"chroot \"$root\" systemctl enable {Quote(service)}\n");
        foreach (var service in kickstart.DisabledServices)
            script.Append(CultureInfo.InvariantCulture, $"chroot \"$root\" systemctl disable {Quote(service)}\n");

        for (var index = 0; index < kickstart.PostScripts.Count; index++)
        {
            var post = kickstart.PostScripts[index];
            var file = $"{work}/post-{index + 1}";
            script.Append(CultureInfo.InvariantCulture, $"step post {index + 1} {post.Location}\n");
            // As Anaconda does: a failing script fails the build only with --erroronfail; --log keeps its output.
            var log = post.LogFile is null ? "" : post.NoChroot ? $" >{Quote(post.LogFile)} 2>&1" : $" >\"$root\"{Quote(post.LogFile)} 2>&1";
            var run = post.NoChroot
                ? $"INSTALL_ROOT=\"$root\" {Quote(post.Interpreter)} {Quote(file)}{log}"
                : $"cp {Quote(file)} \"$root/tmp/virt-appliance-post\"\nchroot \"$root\" {Quote(post.Interpreter)} /tmp/virt-appliance-post{log}";
            script.Append(post.ErrorOnFail
                ? $"{run}\n"
                : $"{run} || echo \"warning: the %post script at {post.Location} failed (exit $?); without --erroronfail the build goes on\" >&2\n");
            if (!post.NoChroot)
                script.Append("rm -f \"$root/tmp/virt-appliance-post\"\n");
        }

        if (RecipeLoader.IsRpm(kickstart))
        {
            // RPM kernels leave the initrd to kernel-install, which does not run in a chroot: dracut makes it, for any host.
            script.Append("""
                step initramfs
                for modules in "$root"/lib/modules/*; do
                  version=$(basename "$modules")
                  [ -e "$root/boot/vmlinuz-$version" ] || cp "$modules/vmlinuz" "$root/boot/vmlinuz-$version"
                  chroot "$root" dracut --no-hostonly --force --kver "$version" "/boot/initramfs-$version.img"
                done

                """);
        }

        // Nothing that makes one machine differ from another stays in the image: the guest makes its own on first
        // boot (systemd: machine id; the setup script: SSH host keys, the snakeoil certificate).
        script.Append(CultureInfo.InvariantCulture, $"""
            step identity
            rm -f "$root"/etc/ssh/ssh_host_*
            rm -f "$root/etc/ssl/private/ssl-cert-snakeoil.key" "$root/etc/ssl/certs/ssl-cert-snakeoil.pem"
            echo {Quote(kickstart.Hostname ?? "localhost")} >"$root/etc/hostname"
            printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
            : >"$root/etc/machine-id"
            rm -f "$root/var/lib/dbus/machine-id" "$root/var/lib/systemd/random-seed"
            rm -f "$root/etc/resolv.conf"
            : >"$root/etc/resolv.conf"
            rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
            step done

            """);
        return script.ToString();
    }

    /// <summary>Single-quotes a word for sh.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
