using Xunit;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>Tests that measure or redirect the whole process run here, alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
