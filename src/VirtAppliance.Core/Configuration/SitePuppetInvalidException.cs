using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Core.Configuration;

/// <summary>A site's Puppet module cannot be used; carries every problem with its file, line and column (exit code 3).</summary>
public sealed class SitePuppetInvalidException(string module, IReadOnlyList<RecipeProblem> problems)
    : RecipeInvalidException(problems, $"{module}: the Puppet module cannot be used ({ErrorCount(problems)} error(s)); nothing was changed");
