using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>What parsing a kickstart gave: the model (null when the file is unreadable as a whole) and every problem found.</summary>
public sealed record KickstartReadResult(Kickstart? Kickstart, IReadOnlyList<RecipeProblem> Problems)
{
    public bool HasErrors => Kickstart is null || Problems.Any(problem => problem.Severity == Severity.Error);

    /// <summary>The kickstart when it has no errors (warnings are fine).</summary>
    /// <exception cref="RecipeInvalidException">The kickstart has at least one error; the exception lists every problem.</exception>
    public Kickstart RequireValid()
    {
        if (HasErrors)
            throw new RecipeInvalidException(Kickstart?.Path ?? Problems.FirstOrDefault()?.Location.File ?? "kickstart", Problems);
        return Kickstart!;
    }
}
