namespace VirtAppliance.Core.Descriptors;

/// <summary>How strict validation is about what lies outside the descriptor.</summary>
public enum ValidationPurpose
{
    /// <summary>A lone descriptor is being looked at: absent files are warnings.</summary>
    Describe,

    /// <summary>The appliance is about to be packed, installed or deployed: everything must be there.</summary>
    Use,

    /// <summary>The descriptor of a recipe: <c>build</c> makes its disks, kernel and initrd, so it names none.</summary>
    Recipe,
}
