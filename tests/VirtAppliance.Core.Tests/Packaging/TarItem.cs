using System.Formats.Tar;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>A package's tar entry held in memory.</summary>
internal sealed record TarItem(string Name, byte[] Data, TarEntryType Type = TarEntryType.RegularFile, string? LinkName = null);
