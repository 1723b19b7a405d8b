using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

public class SignatureTests(GpgKeys gpg) : IClassFixture<GpgKeys>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("rsa3072")]
    [InlineData("ed25519")]
    public async Task Gpg_verifies_the_signature_we_make(string algorithm)
    {
        // Given
        using var folder = new TestFolder();
        var key = gpg[algorithm];
        var signer = PackageSigner.FromArmoredSecretKey(key.SecretKey, null);
        var package = await TestAppliance.PackAsync(folder, signer: signer);

        // When
        Directory.CreateDirectory(folder["x"]);
        Tools.Run("tar", "-xf", package, "-C", folder["x"], "manifest.json", "manifest.json.asc");
        var result = gpg.TryGpg("--status-fd", "1", "--verify", folder["x/manifest.json.asc"], folder["x/manifest.json"]);

        // Then
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain($"VALIDSIG {key.Fingerprint}");
        signer.Fingerprint.ShouldBe(key.Fingerprint);
    }

    [Theory]
    [InlineData("rsa3072")]
    [InlineData("ed25519")]
    public async Task A_signature_made_by_gpg_is_trusted_when_its_key_is(string algorithm)
    {
        // Given
        using var folder = new TestFolder();
        var key = gpg[algorithm];
        var package = await WithGpgSignatureAsync(folder, key);
        var trust = new TrustStore(folder["trusted-keys"]);
        await trust.AddAsync(key.PublicKey, Ct);

        // When
        var result = await PackageVerifier.VerifyAsync(package, trust, verifyContent: false, null, Ct);

        // Then
        result.Signature.Status.ShouldBe(SignatureStatus.Trusted);
        result.Signature.Fingerprint.ShouldBe(key.Fingerprint);
        result.Signature.UserId.ShouldBe(key.UserId);
    }

    [Fact]
    public async Task A_signature_by_a_key_outside_the_trust_store_is_untrusted()
    {
        // Given
        using var folder = new TestFolder();
        var package = await WithGpgSignatureAsync(folder, gpg.Stranger);
        var trust = new TrustStore(folder["trusted-keys"]);
        await trust.AddAsync(gpg.Rsa.PublicKey, Ct);

        // When
        var result = await PackageVerifier.VerifyAsync(package, trust, verifyContent: false, null, Ct);

        // Then
        result.Signature.Status.ShouldBe(SignatureStatus.UntrustedKey);
        gpg.Stranger.Fingerprint.ShouldEndWith(result.Signature.KeyId!);
    }

    [Fact]
    public async Task A_signature_over_another_manifest_is_bad()
    {
        // Given: the signature of one package put into another
        using var folder = new TestFolder();
        var signer = PackageSigner.FromArmoredSecretKey(gpg.Ed25519.SecretKey, null);
        var signed = await TestAppliance.PackAsync(folder, "one", signer: signer);
        var other = await TestAppliance.PackAsync(folder, "two");
        var signature = TarEntries.Read(signed).Single(i => i.Name == "manifest.json.asc");
        var items = TarEntries.Read(other);
        TarEntries.Write(folder["mixed.vapp"], [items[0], items[1], signature, .. items.Skip(2)]);
        var trust = new TrustStore(folder["trusted-keys"]);
        await trust.AddAsync(gpg.Ed25519.PublicKey, Ct);

        // When
        var result = await PackageVerifier.VerifyAsync(folder["mixed.vapp"], trust, verifyContent: false, null, Ct);

        // Then
        result.Signature.Status.ShouldBe(SignatureStatus.BadSignature);
    }

    [Fact]
    public async Task Garbage_in_the_signature_entry_is_a_bad_signature()
    {
        // Given
        using var folder = new TestFolder();
        var items = TarEntries.Read(await TestAppliance.PackAsync(folder));
        TarEntries.Write(folder["g.vapp"], [items[0], items[1], new TarItem("manifest.json.asc", "-----BEGIN PGP SIGNATURE-----\n\nnonsense\n"u8.ToArray()), .. items.Skip(2)]);

        // When
        var result = await PackageVerifier.VerifyAsync(folder["g.vapp"], new TrustStore(folder["keys"]), verifyContent: false, null, Ct);

        // Then
        result.Signature.Status.ShouldBe(SignatureStatus.BadSignature);
    }

    [Fact]
    public async Task Signing_a_package_inserts_the_signature_after_the_manifest_and_keeps_the_payloads()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var before = TarEntries.Read(package);
        var signer = PackageSigner.FromArmoredSecretKey(gpg.Rsa.SecretKey, null);

        // When
        await PackageWriter.SignAsync(package, signer, null, null, Ct);

        // Then
        var after = TarEntries.Read(package);
        after.Select(i => i.Name).ShouldBe(["appliance.xml", "manifest.json", "manifest.json.asc", "system.img.vasz", "disks/data.qcow2.vasz", "vmlinuz"]);
        after.Where(i => i.Name != "manifest.json.asc").Select(i => Convert.ToHexString(i.Data)).ShouldBe(before.Select(i => Convert.ToHexString(i.Data)));
        var trust = new TrustStore(folder["keys"]);
        await trust.AddAsync(gpg.Rsa.PublicKey, Ct);
        (await PackageVerifier.VerifyAsync(package, trust, true, null, Ct)).Signature.Status.ShouldBe(SignatureStatus.Trusted);
    }

    [Fact]
    public async Task Trust_store_adds_lists_and_removes_keys()
    {
        // Given
        using var folder = new TestFolder();
        var trust = new TrustStore(folder["trusted-keys"]);

        // When
        await trust.AddAsync(gpg.Rsa.PublicKey, Ct);
        await trust.AddAsync(gpg.Ed25519.PublicKey, Ct);
        var removed = await trust.RemoveAsync(gpg.Rsa.Fingerprint[^16..], Ct);

        // Then
        removed.UserId.ShouldBe(gpg.Rsa.UserId);
        (await trust.ListAsync(Ct)).ShouldBe([new TrustedKey(gpg.Ed25519.Fingerprint, gpg.Ed25519.UserId)]);
        await Should.ThrowAsync<NotFoundException>(() => trust.RemoveAsync(gpg.Rsa.Fingerprint, Ct));
    }

    [Fact]
    public async Task Trust_store_refuses_a_secret_key_or_garbage()
    {
        using var folder = new TestFolder();
        var trust = new TrustStore(folder["trusted-keys"]);
        await Should.ThrowAsync<InvalidInputException>(() => trust.AddAsync("not a key", Ct));
    }

    private async Task<string> WithGpgSignatureAsync(TestFolder folder, GpgKeys.Key key)
    {
        var package = await TestAppliance.PackAsync(folder);
        var items = TarEntries.Read(package);
        File.WriteAllBytes(folder["manifest.json"], items[1].Data);
        gpg.Gpg("--local-user", key.Fingerprint, "--armor", "--detach-sign", "--output", folder["manifest.json.asc"], folder["manifest.json"]);
        var signed = folder["gpg-signed.vapp"];
        TarEntries.Write(signed, [items[0], items[1], new TarItem("manifest.json.asc", File.ReadAllBytes(folder["manifest.json.asc"])), .. items.Skip(2)]);
        return signed;
    }
}
