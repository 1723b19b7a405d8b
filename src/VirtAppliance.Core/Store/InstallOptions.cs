namespace VirtAppliance.Core.Store;

/// <summary>How <see cref="ApplianceStore.InstallAsync(string, InstallOptions?, IProgress{Packaging.PackageProgress}?, CancellationToken)"/> installs.</summary>
public sealed class InstallOptions
{
    /// <summary>Accept a package without a signature (never one with a bad or untrusted signature).</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>
    /// Also hash every restored disk, holes included. The stored bytes are always checked against
    /// the (signed) manifest, and decoding is deterministic, so this only guards against bugs; it
    /// costs a full read of each disk's virtual size.
    /// </summary>
    public bool VerifyContent { get; init; }

    /// <summary>Test hook: called at each step of an install, so tests can crash or fail there.</summary>
    internal Action<string>? StepHook { get; init; }
}
