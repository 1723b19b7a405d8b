namespace VirtAppliance.Core.Tests;

internal static class TestData
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Descriptors", "TestData");

    public static string VirtImage { get; } = Path.Combine(Root, "virt-image");
}
