using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Configuration;

public class SiteValueInputTests
{
    private static async Task<IReadOnlyDictionary<string, ValueSource>> ReadAsync(TestFolder folder, string name, string text)
    {
        await File.WriteAllTextAsync(folder[name], text, TestContext.Current.CancellationToken);
        return await SiteValueInput.ReadFileAsync(folder[name], TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Assignments_split_at_the_first_equals_and_the_last_of_a_name_wins()
    {
        // Given two assignments of one name and a value holding '='
        string[] items = ["mail_host=a.example.com", "banner=x=y", "mail_host=b.example.com", "empty="];

        // When they are parsed
        var values = SiteValueInput.ParseAssignments(items);

        // Then the last wins and the value keeps its '='
        values["mail_host"].ShouldBe("b.example.com");
        values["banner"].ShouldBe("x=y");
        values["empty"].ShouldBe("");
    }

    [Theory]
    [InlineData("mail_host", "'mail_host' has no '='")]
    [InlineData("=secret", "has no name")]
    [InlineData("  =x", "has no name")]
    public void A_malformed_assignment_is_named_with_the_expected_form(string item, string expected)
    {
        // Given a --set item that is not NAME=VALUE
        // When it is parsed
        var error = Should.Throw<InvalidInputException>(() => SiteValueInput.ParseAssignments([item]));

        // Then the message says which and how to write it, without repeating a value
        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("NAME=VALUE");
        error.Message.ShouldNotContain("secret");
        error.Hint.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_JSON_file_gives_strings_numbers_and_booleans_as_text_with_their_place()
    {
        // Given a JSON values file
        using var folder = new TestFolder();

        // When it is read
        var values = await ReadAsync(folder, "site.json", """
            {
              "mail_host": "mail.example.com",
              "mail_port": 587,
              "ratio": 1.50,
              "use_tls": true,
              "debug": false
            }
            """);

        // Then each value is text as written, with its line and column
        values["mail_host"].ShouldBe(new ValueSource("mail.example.com", folder["site.json"], 2, 16));
        values["mail_port"].Value.ShouldBe("587");
        values["ratio"].Value.ShouldBe("1.50");
        values["use_tls"].Value.ShouldBe("true");
        values["debug"].Value.ShouldBe("false");
        (values["debug"].Line, values["debug"].Column).ShouldBe((6, 12));
    }

    [Fact]
    public async Task A_YAML_file_gives_scalars_as_text_and_booleans_in_lower_case()
    {
        // Given a YAML values file
        using var folder = new TestFolder();

        // When it is read
        var values = await ReadAsync(folder, "site.yaml", """
            # the site's values
            mail_host: mail.example.com
            mail_port: 587
            use_tls: True
            banner: "Hello: world"
            version: '1.10'
            """);

        // Then each value is text as written, with its line and column
        values["mail_host"].ShouldBe(new ValueSource("mail.example.com", folder["site.yaml"], 2, 12));
        values["mail_port"].Value.ShouldBe("587");
        values["use_tls"].Value.ShouldBe("true");
        values["banner"].Value.ShouldBe("Hello: world");
        values["version"].Value.ShouldBe("1.10");
    }

    [Theory]
    [InlineData("bad.json", "{\n  \"a\": 1,\n  \"b\": \n}", "bad.json:4:1:")]
    [InlineData("nested.json", "{\n  \"a\": {\"b\": 1}\n}", "nested.json:2:8: 'a' is a nested object")]
    [InlineData("list.json", "{\"a\": [1, 2]}", "list.json:1:7: 'a' is a nested list")]
    [InlineData("twice.json", "{\n  \"a\": 1,\n  \"a\": 2\n}", "twice.json:3:3: 'a' appears more than once")]
    [InlineData("null.json", "{\"a\": null}", "null.json:1:7: 'a' is null")]
    [InlineData("array.json", "[1]", "array.json:1:1: expected a JSON object")]
    [InlineData("trailing.json", "{\"a\": 1} x", "trailing.json:1:10:")]
    [InlineData("empty.json", "", "empty.json:1:1:")]
    [InlineData("bad.yaml", "a: 1\nb: \"open\n", "bad.yaml:2:4:")]
    [InlineData("indent.yaml", "a: 1\n  b: 2\n", "indent.yaml:2:4:")]
    [InlineData("nested.yaml", "a: 1\nb:\n  c: 2\n", "nested.yaml:3:3: 'b' is a nested mapping")]
    [InlineData("list.yml", "a:\n  - 1\n", "list.yml:2:3: 'a' is a nested list")]
    [InlineData("twice.yaml", "a: 1\na: 2\n", "twice.yaml:2:1: 'a' appears more than once")]
    [InlineData("novalue.yaml", "a:\n", "novalue.yaml:1:3: 'a' has no value")]
    [InlineData("scalar.yaml", "just text\n", "scalar.yaml:1:1: expected a mapping")]
    [InlineData("two.yaml", "a: 1\n---\nb: 2\n", "two.yaml:2:1: only one YAML document")]
    public async Task A_malformed_values_file_is_refused_at_its_line_and_column(string name, string text, string expected)
    {
        // Given a values file with a mistake
        using var folder = new TestFolder();

        // When it is read
        var error = await Should.ThrowAsync<InvalidInputException>(() => ReadAsync(folder, name, text));

        // Then the message starts with file:line:column and a hint says what a values file is
        error.Message.ShouldStartWith(folder[name]);
        error.Message.ShouldContain(expected);
        error.Hint.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_missing_values_file_is_not_found()
    {
        // Given no file
        using var folder = new TestFolder();

        // When it is read
        var error = await Should.ThrowAsync<NotFoundException>(() => SiteValueInput.ReadFileAsync(folder["none.yaml"], TestContext.Current.CancellationToken));

        // Then it says so
        error.Message.ShouldContain("none.yaml");
    }

    [Fact]
    public async Task A_values_file_over_1_MiB_is_refused_before_it_is_parsed()
    {
        // Given a file of 1 MiB and one byte
        using var folder = new TestFolder();
        await File.WriteAllTextAsync(folder["big.json"], "{\"a\": \"" + new string('x', 1024 * 1024) + "\"}", TestContext.Current.CancellationToken);

        // When it is read
        var error = await Should.ThrowAsync<InvalidInputException>(() => SiteValueInput.ReadFileAsync(folder["big.json"], TestContext.Current.CancellationToken));

        // Then the size is the reason
        error.Message.ShouldContain("at most 1024 KiB");
    }

    [Fact]
    public async Task A_values_file_with_another_extension_is_refused()
    {
        // Given a .txt file
        using var folder = new TestFolder();

        // When it is read
        var error = await Should.ThrowAsync<InvalidInputException>(() => ReadAsync(folder, "site.txt", "a=1"));

        // Then the allowed kinds are named
        error.Message.ShouldContain(".json, .yaml or .yml");
    }
}
