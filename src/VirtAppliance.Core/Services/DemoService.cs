using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Services;

/// <summary>What the demo needs besides the verbs it shows: the bundled appliances built, a throwaway supplier key, a VM's console.</summary>
public sealed class DemoService
{
    private const string WhatToDo = "make demo installs what the demo needs";

    /// <summary>Builds tiny 1.0, 2.0 and 3.0 from Debian packages with the source tree's fixture script; returns the folder that holds them.</summary>
    public async Task<string> BuildAppliancesAsync(string sourceTree, string outputFolder, CancellationToken cancellationToken)
    {
        var printed = await ExternalTool.RunAsync(Path.Combine(sourceTree, "tests", "fixtures", "build-appliances.sh"), [outputFolder], WhatToDo, cancellationToken).ConfigureAwait(false);
        return printed.Trim().Split('\n')[^1];
    }

    /// <summary>A throwaway supplier key made with gpg in <paramref name="home"/>, so the demo signs like a real supplier; null when gpg cannot make one.</summary>
    public async Task<SupplierKey?> MakeSupplierKeyAsync(string home, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            const string user = "Demo Supplier <supplier@demo.invalid>";
            await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", user, "ed25519", "sign", "never"], WhatToDo, cancellationToken).ConfigureAwait(false);
            var key = new SupplierKey(Path.Combine(home, "supplier-secret.asc"), Path.Combine(home, "supplier-public.asc"));
            await File.WriteAllTextAsync(key.SecretKeyFile,
                await ExternalTool.RunAsync("gpg", ["--homedir", home, "--armor", "--export-secret-keys", user], WhatToDo, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(key.PublicKeyFile,
                await ExternalTool.RunAsync("gpg", ["--homedir", home, "--armor", "--export", user], WhatToDo, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return key;
        }
        catch (VirtApplianceException)
        {
            return null;
        }
    }

    /// <summary>What a VM of the store at <paramref name="root"/> printed on its serial console this boot.</summary>
    public IReadOnlyList<string> ConsoleLines(string root, string vm) =>
        ConsoleLog.ReadLines(Path.Combine(root, "instances", vm, "console.log"));
}
