using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Interchange;
using Xunit;

namespace VirtAppliance.Core.Tests.Interchange;

public class OvfManifestTests
{
    [Fact]
    public async Task SHA1_and_SHA256_lines_as_sha1sum_and_sha256sum_compute_them_are_accepted_and_a_changed_file_is_an_integrity_failure()
    {
        // Given digests from coreutils, in the two spellings ovftool and VirtualBox write
        var folder = Directory.CreateTempSubdirectory("va-mf-").FullName;
        try
        {
            var token = TestContext.Current.CancellationToken;
            await File.WriteAllTextAsync(Path.Combine(folder, "a.ovf"), "descriptor", token);
            await File.WriteAllTextAsync(Path.Combine(folder, "disk1.vmdk"), "disk", token);
            var sha1 = (await Internal.ExternalTool.RunAsync("sha1sum", [Path.Combine(folder, "a.ovf")], null, token)).Split(' ')[0];
            var sha256 = (await Internal.ExternalTool.RunAsync("sha256sum", [Path.Combine(folder, "disk1.vmdk")], null, token)).Split(' ')[0];
            var manifest = OvfManifest.Parse($"SHA1(a.ovf)= {sha1}\nSHA256(disk1.vmdk)={sha256.ToUpperInvariant()}\n", "a.mf");

            // When / Then
            (await manifest.CheckAsync(folder, "a.mf", ["a.ovf", "disk1.vmdk", "kernel"], token)).ShouldBe(["kernel"]);
            await File.WriteAllTextAsync(Path.Combine(folder, "disk1.vmdk"), "disK", token);
            var error = await Should.ThrowAsync<IntegrityException>(() => manifest.CheckAsync(folder, "a.mf", [], token));
            error.Message.ShouldContain("disk1.vmdk does not match its SHA256 digest");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("MD5(a.ovf)= d41d8cd98f00b204e9800998ecf8427e", "MD5 is not one this import checks")]
    [InlineData("SHA256(a.ovf)= abc", "has 64 hex digits")]
    [InlineData("a.ovf abc", "not a manifest line")]
    public void Malformed_lines_are_refused_with_their_line(string line, string expected)
    {
        var error = Should.Throw<InvalidInputException>(() => OvfManifest.Parse("\n" + line, "a.mf"));

        error.Message.ShouldContain("a.mf:2:");
        error.Message.ShouldContain(expected);
    }
}
