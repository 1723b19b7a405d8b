using System.Diagnostics;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>A throwaway GnuPG home with one signing key, driven through the real gpg.</summary>
internal sealed class GnuPg : IDisposable
{
    private readonly TemporaryFolder home = new();

    public GnuPg(string userId = "Supplier <supplier@example.org>")
    {
        UserId = userId;
        Run("--batch", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never");
        SecretKeyPath = Path.Combine(home.Path, "secret.asc");
        PublicKeyPath = Path.Combine(home.Path, "public.asc");
        File.WriteAllText(SecretKeyPath, Run("--armor", "--export-secret-keys", userId));
        File.WriteAllText(PublicKeyPath, Run("--armor", "--export", userId));
    }

    public string UserId { get; }

    public string SecretKeyPath { get; }

    public string PublicKeyPath { get; }

    /// <summary>Runs gpg with this home; returns stdout, throws with stderr on failure.</summary>
    public string Run(params string[] args)
    {
        var info = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--homedir");
        info.ArgumentList.Add(home.Path);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("gpg is missing: run 'make test' (it installs gnupg)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }

    public void Dispose() => home.Dispose();
}
