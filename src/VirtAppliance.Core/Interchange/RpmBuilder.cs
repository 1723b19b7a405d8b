using System.Globalization;
using System.Text;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// Builds an RPM of an installed-layout appliance with the real rpmbuild, signs it with rpmsign (a throwaway
/// GnuPG home made from the supplier's key) and indexes a folder with createrepo_c. The scriptlets are Lua
/// (rpm's built-in interpreter), so they run even in a root without a shell: %post registers the folder in
/// the store index through <c>virt-appliance adopt</c>, %preun refuses the erase through <c>virt-appliance
/// remove</c> while a VM holds the version; where the CLI is not installed they do nothing and the store adopts the
/// folder at its next run.
/// </summary>
public static class RpmBuilder
{
    /// <summary>The RPM package name of an appliance: its name with a prefix, so that it cannot clash with a distribution package.</summary>
    public static string PackageName(string appliance) => "appliance-" + appliance;

    public const string CliPath = "/usr/bin/virt-appliance";

    /// <summary>Builds the .rpm into <paramref name="outputFolder"/> and returns its path.</summary>
    public static async Task<string> BuildAsync(RpmRequest request, string work, string outputFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (what, value) in new[] { ("name", request.Name), ("version", request.Version), ("release", request.Release) })
        {
            if (value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or (char)0x7e || (what == "name" && c == '-'))))
                throw new InvalidInputException($"{request.Reference}: the {what} '{value}' cannot be an RPM {what}")
                {
                    Hint = "RPM versions and releases hold letters, digits, '.', '_', '+' and '~' only",
                };
        }
        var top = Path.Combine(work, "rpmbuild");
        Directory.CreateDirectory(Path.Combine(top, "SPECS"));
        var spec = Path.Combine(top, "SPECS", PackageName(request.Name) + ".spec");
        await File.WriteAllTextAsync(spec, Spec(request), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(outputFolder);
        await ExternalTool.RunAsync("rpmbuild", [
            "-bb", "--quiet",
            "--define", $"_topdir {top}",
            "--define", $"_rpmdir {Path.GetFullPath(outputFolder)}",
            "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
            spec], "is rpmbuild installed (Debian package rpm)? scripts/prereqs.sh installs it", cancellationToken).ConfigureAwait(false);
        return Path.Combine(Path.GetFullPath(outputFolder), $"{PackageName(request.Name)}-{request.Version}-{request.Release}.noarch.rpm");
    }

    /// <summary>Signs an RPM in place with the OpenPGP secret key (armored), through rpmsign and a GnuPG home made for it.</summary>
    /// <returns>The key's fingerprint.</returns>
    public static async Task<string> SignAsync(string rpm, string armoredSecretKey, string? passphrase, string keySource, CancellationToken cancellationToken)
    {
        // Read first: a public key, a wrong passphrase or a malformed file fails here with our message, not gpg's.
        var signer = PackageSigner.FromArmoredSecretKey(armoredSecretKey, passphrase, keySource);
        // A short path: gpg-agent's socket lives in the home, and a socket path has at most 107 bytes.
        var home = Directory.CreateTempSubdirectory("va-gpg-").FullName;
        var keyFile = Path.Combine(home, "key.asc");
        await File.WriteAllTextAsync(keyFile, armoredSecretKey, cancellationToken).ConfigureAwait(false);
        var passphraseFile = Path.Combine(home, "passphrase");
        await File.WriteAllTextAsync(passphraseFile, passphrase ?? "", cancellationToken).ConfigureAwait(false);
        var gpgArgs = $"--batch --pinentry-mode loopback --passphrase-file {passphraseFile}";
        await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase-file", passphraseFile, "--import", keyFile],
            "is gnupg installed?", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExternalTool.RunAsync("rpmsign", [
                "--addsign",
                "--define", "__gpg /usr/bin/gpg",
                "--define", $"_gpg_name {signer.Fingerprint}",
                "--define", $"_gpg_path {home}",
                "--define", $"_gpg_sign_cmd_extra_args {gpgArgs}",
                rpm], "rpmsign could not sign with the key (is its passphrase right?)", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(rpm); // an unsigned RPM must not be left where a signed one was asked for
            throw;
        }
        finally
        {
            // The agent the import started holds the key: stop it, then remove the home and the key in it.
            await ExternalTool.RunUncheckedAsync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"], cancellationToken: CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(home, recursive: true);
        }
        return signer.Fingerprint;
    }

    /// <summary>Makes (or refreshes) a yum/dnf repository of the RPMs in a folder.</summary>
    public static Task CreateRepositoryAsync(string folder, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("createrepo_c", ["--quiet", "--update", folder], "is createrepo_c installed (Debian package createrepo-c)?", cancellationToken);

    private static string Spec(RpmRequest request)
    {
        var escapedContent = request.Content.Replace("%", "%%", StringComparison.Ordinal);
        var install = request.InstallPath.Replace("%", "%%", StringComparison.Ordinal);
        var parent = Path.GetDirectoryName(install)!;
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"""
            # Written by virt-appliance export --rpm; the payload is the appliance as the store keeps it.
            %define debug_package %{"{nil}"}
            %define __os_install_post %{"{nil}"}
            %define _binary_payload w3.zstdio
            Name: {PackageName(request.Name)}
            Version: {request.Version}
            Release: {request.Release}
            Summary: {OneLine(request.Summary)}
            License: LicenseRef-see-appliance
            BuildArch: noarch
            AutoReqProv: no

            %description
            {(request.Description ?? request.Summary).Replace("%", "%%", StringComparison.Ordinal)}

            Installs the virtual appliance {request.Reference} into the virt-appliance store
            ({request.StoreRoot}); deploy VMs from it with 'virt-appliance deploy {request.Reference}'.

            %install
            mkdir -p %{"{buildroot}"}{parent}
            cp -a --sparse=always {escapedContent} %{"{buildroot}"}{install}

            %files
            %defattr(0444,root,root,0755)
            %dir {parent}
            {install}

            %post -p <lua>
            {Lua(request, "adopt", refuse: false)}

            %preun -p <lua>
            {Lua(request, "remove", refuse: true)}

            """);
        return builder.ToString();
    }

    /// <summary>
    /// A Lua scriptlet that runs the CLI (rpm.execute: fork, exec, wait) when it is installed in the (possibly chrooted) root. For %preun a failure
    /// aborts the erase, except "not found" (exit 7: the store never registered it, so nothing can hold it).
    /// </summary>
    private static string Lua(RpmRequest request, string verb, bool refuse) => $$"""
        local cli = "{{CliPath}}"
        if not posix.access(cli, "x") then
          {{(refuse ? "" : $"print(\"{request.Reference}: {CliPath} is not installed here; the store registers the appliance at its next run\")")}}
          return
        end
        -- rpm.execute returns true, or nil, a message and the raw wait status (exit code × 256)
        local ok, _, status = rpm.execute(cli, "{{verb}}", "{{request.Reference}}", "--root", "{{request.StoreRoot}}")
        local code = 0
        if not ok then code = math.floor((status or 256) / 256) end
        {{(refuse
            ? $"if code ~= 0 and code ~= 7 then error(\"{request.Reference}: virt-appliance remove refused (exit \" .. code .. \"); the erase is aborted: undeploy the VMs that use it first\", 0) end"
            : $"if code ~= 0 then print(\"{request.Reference}: virt-appliance adopt exit \" .. code .. \"; the store registers it at its next run\") end")}}
        """;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Replace("%", "%%", StringComparison.Ordinal);
}
