namespace VirtAppliance.Core.Recipes;

/// <summary>A word of a kickstart line after quote removal, and the 1-based column where it starts.</summary>
internal readonly record struct KickstartToken(string Text, int Line, int Column);
