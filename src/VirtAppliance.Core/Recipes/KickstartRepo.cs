using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// A package repository: <c>url --url=</c> (named <c>base</c>) or <c>repo --name= --baseurl=</c>. A Debian
/// repository also names its suite and components with our extension options <c>--suite</c> and <c>--components</c>.
/// </summary>
/// <param name="Name">The repository's name, unique in the kickstart.</param>
/// <param name="BaseUrl">An http, https, ftp or file URL.</param>
/// <param name="Suite"><c>--suite</c> (our extension): the Debian suite, e.g. <c>bookworm</c>; null for an RPM repository.</param>
/// <param name="Components"><c>--components</c> (our extension, comma-separated): e.g. <c>main</c>, <c>contrib</c>; empty when not given.</param>
/// <param name="Location">The <c>url</c> or <c>repo</c> line.</param>
public sealed record KickstartRepo(string Name, string BaseUrl, string? Suite, IReadOnlyList<string> Components, SourceLocation Location)
{
    /// <summary><c>repo --install</c>: the image keeps this repository configured.</summary>
    public bool Install { get; init; }

    /// <summary><c>repo --cost=</c>: lower is preferred when several repositories offer a package.</summary>
    public int? Cost { get; init; }
}
