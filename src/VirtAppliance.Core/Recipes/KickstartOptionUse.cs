namespace VirtAppliance.Core.Recipes;

/// <summary>What the build does with a kickstart option it knows.</summary>
internal enum KickstartOptionUse
{
    /// <summary>Carried into the model.</summary>
    Used,

    /// <summary>Accepted without effect and without a warning (it means nothing for an image, e.g. <c>--asprimary</c>).</summary>
    Accepted,

    /// <summary>Accepted without effect, with a warning that says why.</summary>
    Ignored,

    /// <summary>An error: the build cannot do what it asks.</summary>
    Refused,
}
