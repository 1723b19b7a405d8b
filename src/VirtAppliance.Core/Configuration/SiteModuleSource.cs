namespace VirtAppliance.Core.Configuration;

/// <summary>A site module and the folder that holds its files (the VM's own copy), as a config disk takes it.</summary>
public sealed record SiteModuleSource(SiteModule Module, string Folder);
