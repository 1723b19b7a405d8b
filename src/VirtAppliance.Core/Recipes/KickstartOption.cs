namespace VirtAppliance.Core.Recipes;

/// <summary>An option a kickstart command knows: its spelling, whether it takes a value, and what the build does with it.</summary>
/// <param name="Name">The spelling, e.g. <c>--ondrive</c>; options are case-sensitive, as in pykickstart.</param>
/// <param name="TakesValue">True for <c>--opt=value</c> or <c>--opt value</c>, false for a flag.</param>
/// <param name="Use">What the build does with it.</param>
/// <param name="Hint">Why it is ignored or refused, and what to do instead.</param>
/// <param name="Canonical">For an alias, the option it stands for (<c>--ondisk</c> for <c>--ondrive</c>).</param>
internal sealed record KickstartOption(string Name, bool TakesValue, KickstartOptionUse Use = KickstartOptionUse.Used, string? Hint = null, string? Canonical = null)
{
    public string Key => Canonical ?? Name;

    public static KickstartOption Value(string name, string? canonical = null) => new(name, true, Canonical: canonical);

    public static KickstartOption Flag(string name, string? canonical = null) => new(name, false, Canonical: canonical);

    public static KickstartOption Ignored(string name, bool takesValue, string hint) => new(name, takesValue, KickstartOptionUse.Ignored, hint);

    public static KickstartOption Refused(string name, bool takesValue, string hint) => new(name, takesValue, KickstartOptionUse.Refused, hint);
}
