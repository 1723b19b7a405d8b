using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>pack, sign, verify and trust: making and checking packages.</summary>
internal static class PackageCommands
{
    private const string PassphraseVariable = PackageSigner.PassphraseVariable;

    public static Command Pack(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("DIR") { Description = "The appliance folder (appliance.xml and its files) or its descriptor" };
        var target = new Option<string?>("--output", "-o") { Description = "The package to write (default NAME-VERSION-RELEASE.vapp here)", HelpName = "FILE" };
        var signKey = new Option<string?>("--sign-key") { Description = $"Sign with this armored OpenPGP secret key (passphrase from ${PassphraseVariable})", HelpName = "KEY.asc" };
        var deltaFrom = new Option<string?>("--delta-from")
        {
            Description = "Write a delta package: only what changed since this base (an older full .vapp, or an installed NAME@VERSION); installing it needs the base installed",
            HelpName = "OLD.vapp|NAME@VERSION",
        };
        var compression = new Option<string>("--compression")
        {
            Description = "default: zstd -3 with long-distance matching, about as fast as zstd -3; max: zstd -19, smaller, many times slower to pack, as fast to install",
            HelpName = "default|max",
            DefaultValueFactory = _ => "default",
        };
        compression.AcceptOnlyFromAmong("default", "max");
        var formatVersion = new Option<string?>("--format-version")
        {
            Description = "3 (default): 64 MiB records, smaller; 1: 16 MiB records, for hosts whose virt-appliance predates format 3 (they refuse format 3 clearly)",
            HelpName = "1|3",
        };
        formatVersion.AcceptOnlyFromAmong("1", "3");
        var command = new Command("pack", """
            Pack an appliance folder into one .vapp file: descriptor first, then a manifest with the
            SHA-256 of every file, its signature, then the disks, sparse-aware and zstd-compressed.
            With --delta-from, a delta package holds only what changed since the base version
            (content-defined chunks the base does not have); 'install' turns it into exactly the
            full version when the base is installed.

            Examples:
              virt-appliance pack ./my-appliance
              virt-appliance pack ./my-appliance -o my-appliance.vapp --sign-key supplier-secret.asc
              virt-appliance pack ./my-appliance --compression max
              virt-appliance pack ./my-appliance --format-version 1
              virt-appliance pack ./my-appliance-2 --delta-from my-appliance-1-1.vapp -o my-appliance-1-to-2.vapp
            """)
        {
            appliance, target, signKey, deltaFrom, compression, formatVersion,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (context.Get(formatVersion) is not null && context.Get(deltaFrom) is not null)
                throw new UsageException("--format-version and --delta-from: a delta package is always format 2; give one of them");
            var (manifest, written) = await ProgressDisplay.RunAsync(context.Output, context.Json, "packing",
                progress => context.Services.Packages.PackAsync(context.Get(appliance), context.Get(target), context.Get(signKey),
                    Environment.GetEnvironmentVariable(PassphraseVariable), context.Get(deltaFrom),
                    context.Get(compression) == "max" ? PackageCompression.Max : PackageCompression.Default,
                    context.Get(formatVersion) is { } version ? int.Parse(version, System.Globalization.CultureInfo.InvariantCulture) : null, progress, cancellationToken)).ConfigureAwait(false);
            var bytes = new FileInfo(written).Length;
            if (context.Json)
                context.Output.Json(new { Package = written, Bytes = bytes, Digest = manifest.Sha256, manifest.FormatVersion, Signed = context.Get(signKey) is not null, Files = manifest.Files });
            else
                context.Output.Line($"{written}: {manifest.Files.Count} files, {Sizes.Bytes(bytes)}, digest {manifest.Sha256}" + (context.Get(signKey) is null ? " (unsigned)" : " (signed)"));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Sign(GlobalOptions globals, Output output)
    {
        var package = new Argument<string>("PACKAGE") { Description = "The .vapp to sign" };
        var key = new Option<string>("--key") { Description = $"Armored OpenPGP secret key (passphrase from ${PassphraseVariable})", Required = true, HelpName = "KEY.asc" };
        var target = new Option<string?>("--output", "-o") { Description = "Write the signed package here instead of replacing PACKAGE", HelpName = "FILE" };
        var command = new Command("sign", """
            Sign a package: a detached OpenPGP signature over its manifest, which pins every byte.
            'gpg --verify manifest.json.asc manifest.json' accepts it.

            Examples:
              virt-appliance sign my-appliance.vapp --key supplier-secret.asc
            """)
        {
            package, key, target,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var signer = await context.Services.Packages.SignAsync(context.Get(package), context.Get(key)!, Environment.GetEnvironmentVariable(PassphraseVariable),
                context.Get(target), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(new { Package = context.Get(target) ?? context.Get(package), signer.Fingerprint, signer.UserId });
            else
                context.Output.Line($"{context.Get(target) ?? context.Get(package)}: signed by {signer.UserId} ({signer.Fingerprint})");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Verify(GlobalOptions globals, Output output)
    {
        var package = new Argument<string>("PACKAGE") { Description = "The .vapp to check, or an installed NAME[@VERSION]" };
        var allowUnsigned = new Option<bool>("--allow-unsigned") { Description = "Check integrity only; an unsigned package then passes" };
        var content = new Option<bool>("--content") { Description = "Also decompress every disk and check the digest of its restored content" };
        var command = new Command("verify", $"""
            Check a package: every file's digest and size against the manifest, no unsafe entries,
            and a signature by a key in the store's trust list ('virt-appliance trust add').
            Exits 0 when both hold, 5 when anything is wrong or the package is unsigned.
            Given an installed NAME[@VERSION] instead, check that every file of it is still what
            was installed (size and content digest against the manifest it came with).

            Examples:
              virt-appliance verify my-appliance.vapp
              virt-appliance verify my-appliance.vapp --allow-unsigned --json
              virt-appliance verify my-appliance@1.0
            """)
        {
            package, allowUnsigned, content,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (!File.Exists(context.Get(package)) && !context.Get(package).EndsWith(".vapp", StringComparison.Ordinal) && !context.Get(package).Contains('/', StringComparison.Ordinal))
                return await VerifyInstalledAsync(context, context.Get(package), cancellationToken).ConfigureAwait(false);
            var result = await ProgressDisplay.RunAsync(context.Output, context.Json, "verifying",
                progress => context.Services.Packages.VerifyAsync(context.Get(package), context.Get(content), progress, cancellationToken)).ConfigureAwait(false);
            var signature = result.Signature;
            var accepted = signature.Status == SignatureStatus.Trusted || (signature.Status == SignatureStatus.Unsigned && context.Get(allowUnsigned));
            var signatureText = signature.Status switch
            {
                SignatureStatus.Trusted => $"signed by {signature.UserId} ({signature.Fingerprint})",
                SignatureStatus.Unsigned => "not signed",
                SignatureStatus.UntrustedKey => $"signed by key {signature.KeyId}, which is not trusted",
                _ => "the signature does not match the manifest",
            };
            if (context.Json)
                context.Output.Json(new
                {
                    Package = context.Get(package),
                    Integrity = true,
                    Signature = signature,
                    Accepted = accepted,
                    Digest = result.Manifest.Sha256,
                    result.Manifest.FormatVersion,
                    Files = result.Manifest.Files,
                });
            else
                context.Output.Line($"{context.Get(package)}: integrity ok ({result.Manifest.Files.Count} files, format {result.Manifest.FormatVersion}), {signatureText}");
            if (accepted)
                return ExitCodes.Success;
            context.Output.Error($"virt-appliance: {context.Get(package)}: {signatureText}");
            context.Output.Error(signature.Status == SignatureStatus.Unsigned
                ? "  what to do: ask the supplier for a signed package, or pass --allow-unsigned to check integrity only"
                : "  what to do: if you trust the supplier, add their public key with 'virt-appliance trust add KEY.asc'");
            return ExitCodes.Integrity;
        });
        return command;
    }

    private static async Task<int> VerifyInstalledAsync(CommandContext context, string reference, CancellationToken cancellationToken)
    {
        var checkedOnes = await ProgressDisplay.RunAsync(context.Output, context.Json, "checking",
            progress => context.Services.Store.VerifyInstalledAsync(reference, progress, cancellationToken)).ConfigureAwait(false);
        if (context.Json)
        {
            context.Output.Json(checkedOnes.Select(c => new InstalledCheckJson(c.Appliance.Id, c.Appliance.Path, Intact: true, c.Appliance.PackageSha256, c.Files)));
            return ExitCodes.Success;
        }

        foreach (var (appliance, files) in checkedOnes)
            context.Output.Line($"{appliance.Id}: intact ({files} files as installed, package digest {appliance.PackageSha256})");
        return ExitCodes.Success;
    }

    public static Command Trust(GlobalOptions globals, Output output)
    {
        var command = new Command("trust", """
            Manage the keys whose package signatures this store accepts (kept in ROOT/trusted-keys).

            Examples:
              virt-appliance trust add supplier-public.asc
              virt-appliance trust list
              virt-appliance trust remove 0123ABCD
            """);
        var keyFile = new Argument<string>("KEY.asc") { Description = "An armored OpenPGP public key" };
        var add = new Command("add", "Trust the key(s) in an armored public key file.") { keyFile };
        CliApplication.SetHandler(add, globals, output, async (context, cancellationToken) =>
        {
            var added = await context.Services.Store.TrustAsync(context.Get(keyFile), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(added);
            else
                foreach (var key in added)
                    context.Output.Line($"trusted: {key.UserId} ({key.Fingerprint})");
            return ExitCodes.Success;
        });
        var list = new Command("list", "List the trusted keys.");
        CliApplication.SetHandler(list, globals, output, async (context, cancellationToken) =>
        {
            var keys = await context.Services.Store.ListTrustedAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(keys);
            else if (keys.Count == 0)
                context.Output.Line("no trusted keys (add one with 'virt-appliance trust add KEY.asc')");
            else
            {
                var table = new Table().AddColumns("fingerprint", "user id");
                foreach (var key in keys)
                    table.AddRow(Markup.Escape(key.Fingerprint), Markup.Escape(key.UserId));
                context.Output.Console.Write(table);
            }
            return ExitCodes.Success;
        });
        var fingerprint = new Argument<string>("FINGERPRINT") { Description = "The key's fingerprint or the end of it (key id)" };
        var remove = new Command("remove", "Stop trusting a key.") { fingerprint };
        CliApplication.SetHandler(remove, globals, output, async (context, cancellationToken) =>
        {
            var removed = await context.Services.Store.UntrustAsync(context.Get(fingerprint), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(removed);
            else
                context.Output.Line($"no longer trusted: {removed.UserId} ({removed.Fingerprint})");
            return ExitCodes.Success;
        });
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }
}
