using Shouldly;
using VirtAppliance.Core.Images;
using Xunit;

namespace VirtAppliance.Core.Tests.Images;

public class DiskFormatSpellingTests
{
    [Fact]
    public void Every_format_reads_back_from_its_own_spelling()
    {
        // Given / When
        var read = Enum.GetValues<DiskFormat>().Select(format => (format, DiskFormatSpelling.TryParse(format.ToText(), out var parsed), parsed)).ToList();

        // Then
        read.ShouldAllBe(entry => entry.Item2 && entry.parsed == entry.format);
        DiskFormatSpelling.Names.ShouldBe(["raw", "qcow2", "qcow", "vmdk", "iso", "vdi", "vpc", "vhdx"]);
    }

    [Theory]
    [InlineData("qed")]
    [InlineData("QCOW2")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_text_is_not_a_format_and_is_never_taken_for_raw(string? text)
    {
        DiskFormatSpelling.TryParse(text, out _).ShouldBeFalse();
        DiskFormatSpelling.TryParseDriverType(text, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_iso_is_driven_by_libvirt_as_raw_and_iso_is_no_driver_type()
    {
        DiskFormat.Iso.ToDriverType().ShouldBe("raw");
        DiskFormat.Qcow2.ToDriverType().ShouldBe("qcow2");
        DiskFormatSpelling.TryParseDriverType("raw", out var raw).ShouldBeTrue();
        raw.ShouldBe(DiskFormat.Raw);
        DiskFormatSpelling.TryParseDriverType("iso", out _).ShouldBeFalse();
    }
}
