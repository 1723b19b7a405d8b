using System.Diagnostics;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

// Usage:
//   Harness pack DIR OUT.vapp FILE[:FORMAT]...   (each FILE a disk in DIR; DIR holds appliance.xml)
//   Harness verify PKG [--content]
//   Harness install PKG ROOT
var ct = CancellationToken.None;
var watch = Stopwatch.StartNew();
switch (args)
{
    case ["pack", var dir, var output, .. var disks]:
        var files = disks.Select(d => d.Split(':') is [var path, var format] ? new PackageFile(path, PackageFileRole.Disk, format) : new PackageFile(d, PackageFileRole.Disk, "raw")).ToList();
        var level = int.TryParse(Environment.GetEnvironmentVariable("VA_LEVEL"), out var l) ? l : 3;
        var manifest = await PackageWriter.CreateAsync(dir, files, output, new PackageWriterOptions { CompressionLevel = level, ChunkLength = (int.TryParse(Environment.GetEnvironmentVariable("VA_CHUNK_MIB"), out var c) ? c : 8) << 20 }, null, ct);
        Console.Error.WriteLine($"packed {manifest.Files.Count} files in {watch.Elapsed.TotalSeconds:F2} s");
        break;
    case ["verify", var package, .. var rest]:
        var result = await PackageVerifier.VerifyAsync(package, null, rest.Contains("--content"), null, ct);
        Console.Error.WriteLine($"verified {result.Manifest.Files.Count} files ({result.Signature.Status}) in {watch.Elapsed.TotalSeconds:F2} s");
        break;
    case ["install", var package, var root]:
        var installed = await new ApplianceStore(root).InstallAsync(package, new InstallOptions { AllowUnsigned = true }, null, ct);
        Console.Error.WriteLine($"installed {installed.Appliance.Id} at {installed.Appliance.Path} in {watch.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine(installed.Appliance.Path);
        break;
    default:
        Console.Error.WriteLine("usage: Harness pack DIR OUT FILE[:FORMAT]... | verify PKG [--content] | install PKG ROOT");
        return 2;
}

return 0;
