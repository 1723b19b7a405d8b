using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

/// <summary>
/// A recipe folder is read and checked as a whole before anything is built: the descriptor (disks with sizes and no
/// files), the kickstart, Puppet's own parser on every manifest, and where each partition goes.
/// </summary>
public sealed class RecipeLoaderTests : IDisposable
{
    private static readonly string Hello = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "fixtures", "recipes", "hello"));

    private readonly string folder = Directory.CreateTempSubdirectory("recipe-test-").FullName;

    public RecipeLoaderTests() => CopyFolder(Hello, folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task The_hello_recipe_loads_with_its_partitions_placed_on_its_disks()
    {
        // When the test recipe is loaded
        var recipe = await RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken);

        // Then / fills the system disk after the 1 MiB GPT start, the data partition the user disk, and both have fixed identities
        recipe.Name.ShouldBe("hello-recipe");
        recipe.Warnings.ShouldBeEmpty();
        var system = recipe.Disks.Single(disk => disk.Disk.Id == "system");
        system.Partitions.Single().ShouldSatisfyAllConditions(
            part => part.MountPoint.ShouldBe("/"),
            part => part.StartMiB.ShouldBe(1),
            part => part.SizeMiB.ShouldBe(1024 - 2));
        var data = recipe.Disks.Single(disk => disk.Disk.Id == "data");
        data.Partitions.Single().MountPoint.ShouldBe("/srv/hello");
        recipe.RootPartition.FileSystemUuid.ShouldBe(DiskLayout.DerivedUuid("hello-recipe", "filesystem system /"));
        RecipeBuilder.Fstab(recipe).ShouldContain($"UUID={data.Partitions[0].FileSystemUuid}\t/srv/hello\text4\tdefaults\t0\t2");
    }

    [Fact]
    public async Task A_Puppet_syntax_error_is_reported_with_Puppets_file_line_and_column()
    {
        // Given a manifest with a missing closing brace on line 3
        var manifest = Path.Combine(folder, "puppet", "modules", "hello", "manifests", "broken.pp");
        await File.WriteAllTextAsync(manifest, "class hello::broken {\n  file { '/x':\n    ensure => file,\n  \n}\n}\n}\n", TestContext.Current.CancellationToken);

        // When the recipe is loaded
        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        // Then the problem names that file and a line in it, and says it came from Puppet
        var problem = error.Problems.Single(problem => problem.Severity == Severity.Error);
        problem.Location.File.ShouldBe(manifest);
        problem.Location.Line.ShouldBeGreaterThan(0);
        problem.Message.ShouldStartWith("puppet: ");
    }

    [Fact]
    public async Task A_partition_on_a_disk_the_descriptor_lacks_is_located_at_its_part_line()
    {
        await ReplaceAsync("hello.ks", "--ondisk=data", "--ondisk=vdc");

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        var problem = error.Problems.Single();
        problem.Location.ShouldBe(new SourceLocation(Path.Combine(folder, "hello.ks"), 6, 1));
        problem.Message.ShouldContain("--ondisk=vdc is no disk of appliance.xml");
        problem.Hint!.ShouldContain("system, data");
    }

    [Fact]
    public async Task Partitions_larger_than_their_disk_are_refused_with_the_size_to_write()
    {
        await ReplaceAsync("hello.ks", "part / --size=700 --grow", "part / --size=2000 --grow");

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        var problem = error.Problems.Single();
        problem.Message.ShouldBe("the partitions on disk 'system' need 2000 MiB and the disk has 1022 MiB for them");
        problem.Hint!.ShouldContain("size=\"2002\"");
    }

    [Fact]
    public async Task The_root_on_a_user_disk_is_refused_because_updates_replace_only_system_disks()
    {
        await ReplaceAsync("hello.ks", "part / --size=700 --grow --fstype=ext4 --ondisk=system", "part / --size=16 --fstype=ext4 --ondisk=data");
        await ReplaceAsync("hello.ks", "part /srv/hello --size=16 --grow --fstype=ext4 --ondisk=data", "part /srv/hello --size=16 --fstype=ext4 --ondisk=system");

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        error.Problems.ShouldContain(problem => problem.Message == "the root file system is on user disk 'data'");
    }

    [Fact]
    public async Task A_descriptor_disk_with_a_file_and_a_boot_with_a_kernel_are_refused_in_a_recipe()
    {
        await ReplaceAsync("appliance.xml", "<disk id=\"system\" use=\"system\" size=\"1024\"/>", "<disk id=\"system\" file=\"system.img\" use=\"system\"/>");
        await ReplaceAsync("appliance.xml", "<os/>", "<os><kernel>vmlinuz</kernel></os>");

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        error.Problems.Select(problem => problem.Message).ShouldBe(
        [
            "disk 'system' of a recipe names a file ('system.img')",
            "the <boot> of a recipe names a kernel, initrd or loader",
        ], ignoreOrder: true);
        error.Problems.ShouldAllBe(problem => problem.Location.File.EndsWith("appliance.xml", StringComparison.Ordinal) && problem.Location.Line > 0);
    }

    [Fact]
    public async Task A_repository_without_a_suite_and_a_missing_site_manifest_are_both_reported_at_once()
    {
        await ReplaceAsync("hello.ks", " --suite=bookworm --components=main", "");
        File.Delete(Path.Combine(folder, "puppet", "manifests", "site.pp"));

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        error.Problems.Select(problem => problem.Message).ShouldBe(
        [
            "repo 'debian' has no --suite, and the other repositories are Debian's",
            "puppet/ has no manifests/site.pp",
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task A_missing_recipe_folder_is_not_found()
    {
        var error = await Should.ThrowAsync<NotFoundException>(() => RecipeLoader.LoadAsync(Path.Combine(folder, "nope"), TestContext.Current.CancellationToken));
        error.Message.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Two_kickstarts_are_refused()
    {
        File.Copy(Path.Combine(folder, "hello.ks"), Path.Combine(folder, "other.ks"));

        var error = await Should.ThrowAsync<RecipeInvalidException>(() => RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken));

        error.Problems.Single().Message.ShouldBe("the recipe has 2 kickstarts (hello.ks, other.ks)");
    }

    [Fact]
    public void Puppet_messages_become_located_problems()
    {
        var problem = PuppetValidator.ToProblem("/r/site.pp",
            "Error: Could not parse for environment production: Syntax error at '}' (file: /r/modules/a/manifests/init.pp, line: 7, column: 3)");

        problem.Location.ShouldBe(new SourceLocation("/r/modules/a/manifests/init.pp", 7, 3));
        problem.Message.ShouldBe("puppet: Syntax error at '}'");
    }

    private async Task ReplaceAsync(string file, string from, string to)
    {
        var path = Path.Combine(folder, file);
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        text.ShouldContain(from);
        await File.WriteAllTextAsync(path, text.Replace(from, to, StringComparison.Ordinal), TestContext.Current.CancellationToken);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
