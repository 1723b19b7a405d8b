namespace VirtAppliance.EndToEnd.Tests;

internal static class Placeholder;
