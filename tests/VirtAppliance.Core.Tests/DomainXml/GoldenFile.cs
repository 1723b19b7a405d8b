using System.Runtime.CompilerServices;
using Shouldly;

namespace VirtAppliance.Core.Tests.DomainXml;

/// <summary>
/// Golden output files next to this source file. They change only on purpose: run the tests with
/// VIRT_APPLIANCE_REGENERATE_GOLDEN=1, then review the diff before committing.
/// </summary>
internal static class GoldenFile
{
    public const string RegenerateVariable = "VIRT_APPLIANCE_REGENERATE_GOLDEN";

    public static string Folder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "TestData");

    public static void ShouldMatch(string actual, string name)
    {
        var path = Path.Combine(Folder(), "golden", name);
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).ShouldBeTrue($"{path} is missing; run the tests once with {RegenerateVariable}=1 and review it.");
        actual.ShouldBe(File.ReadAllText(path), $"{name} differs from the golden file; if the change is on purpose, regenerate with {RegenerateVariable}=1.");
    }
}
