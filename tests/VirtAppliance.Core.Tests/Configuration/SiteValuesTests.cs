using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Configuration;

public class SiteValuesTests
{
    private const string Password = "s3cr3t-Pa55";

    private static SiteValuesInvalidException Refused(Dictionary<string, string> given, IReadOnlyDictionary<string, ValueSource>? fromFile = null) =>
        Should.Throw<SiteValuesInvalidException>(() => SiteValues.Resolve(SampleParameters.All, given, fromFile));

    private static Dictionary<string, string> With(params (string Name, string Value)[] extra)
    {
        var given = SampleParameters.Required();
        foreach (var (name, value) in extra)
            given[name] = value;
        return given;
    }

    [Fact]
    public void Given_values_and_defaults_make_the_effective_values_and_defaults_are_marked()
    {
        // Given the required values and one optional value
        // When they are resolved
        var values = SiteValues.Resolve(SampleParameters.All, With(("mail_port", "587")));

        // Then given values win over defaults, and what came from a default says so
        values["mail_host"].ShouldBe("mail.example.com");
        values["mail_port"].ShouldBe("587");
        values["workers"].ShouldBe("4");
        values["banner"].ShouldBeNull();
        values.IsDefault("mail_port").ShouldBeFalse();
        values.IsDefault("workers").ShouldBeTrue();
        values.IsDefault("banner").ShouldBeFalse();
        values.Given.Keys.ShouldBe(["mail_host", "mail_port", "admin_password"]);
    }

    [Fact]
    public void Passwords_are_secrets_and_stay_out_of_the_public_values_and_descriptions()
    {
        // Given resolved values with a password
        var values = SiteValues.Resolve(SampleParameters.All, SampleParameters.Required());

        // When they are split and described
        // Then the password is only among the secrets, and masked in its description
        values.IsSecret("admin_password").ShouldBeTrue();
        values.IsSecret("mail_host").ShouldBeFalse();
        values.Secrets.ShouldBe(new Dictionary<string, string> { ["admin_password"] = Password });
        values.Public.Keys.ShouldBe(["mail_host", "mail_port", "use_tls", "workers", "log_level"]);
        values.Describe("admin_password").ShouldBe("admin_password = ********");
        values.Describe("workers").ShouldBe("workers = 4 (default)");
        values.Describe("mail_host").ShouldBe("mail_host = mail.example.com");
        values.Describe("banner").ShouldBe("banner (not set)");
        values.ToString().ShouldNotContain(Password);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_closest_declared_name()
    {
        // Given a typo in a name
        // When the values are resolved
        var error = Refused(With(("mial_host", "x.example.com")));

        // Then the name is refused with a "did you mean"
        var problem = error.Problems.ShouldHaveSingleItem();
        problem.Message.ShouldBe("'mial_host' is not a parameter of this appliance");
        problem.Hint.ShouldBe("did you mean 'mail_host'?");
        error.Message.ShouldContain("did you mean 'mail_host'?");
    }

    [Fact]
    public void An_unknown_name_far_from_any_lists_the_declared_names()
    {
        // Given a name like no other
        // When the values are resolved
        var error = Refused(With(("zzz", "1")));

        // Then the hint lists what is declared
        error.Problems.ShouldHaveSingleItem().Hint!.ShouldContain("mail_host, mail_port");
    }

    [Theory]
    [InlineData("workers", "ten", "parameter 'workers' (int): 'ten' is not a whole number")]
    [InlineData("workers", "100", "parameter 'workers' (int): 100 is above the maximum 64")]
    [InlineData("mail_port", "70000", "parameter 'mail_port' (port): '70000' is not a port (1-65535)")]
    [InlineData("use_tls", "yes", "parameter 'use_tls' (bool): 'yes' is not true or false")]
    [InlineData("mail_host", "mail host", "parameter 'mail_host' (host): 'mail host' is not a host name or IP address")]
    [InlineData("admin_email", "admin.example.com", "parameter 'admin_email' (email): 'admin.example.com' is not an e-mail address")]
    [InlineData("log_level", "loud", "parameter 'log_level' (enum): 'loud' is not one of: debug, info, warn")]
    public void A_value_that_breaks_its_type_is_refused_naming_the_parameter_the_value_and_the_rule(string name, string value, string expected)
    {
        // Given a value of the wrong shape
        // When the values are resolved
        var error = Refused(With((name, value)));

        // Then the message names the parameter, the value and the rule, and a hint says what fits
        var problem = error.Problems.ShouldHaveSingleItem();
        problem.Name.ShouldBe(name);
        problem.Message.ShouldBe(expected);
        problem.Hint.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void A_required_parameter_without_value_or_default_is_refused()
    {
        // Given nothing for the required parameters
        // When the values are resolved
        var error = Refused([]);

        // Then each required one is named with how to set it
        error.Problems.Select(problem => problem.Name).ShouldBe(["mail_host", "admin_password"]);
        error.Problems[0].Message.ShouldBe("parameter 'mail_host' is required and has no value");
        error.Problems[0].Hint.ShouldBe("set it with --set mail_host=VALUE or in a --values file");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_the_place_in_the_values_file()
    {
        // Given a values file with a wrong port and an unknown name, and a --set with a wrong bool
        var fromFile = new Dictionary<string, ValueSource>
        {
            ["mail_port"] = new("0", "site.yaml", 3, 12),
            ["mial_host"] = new("x", "site.yaml", 4, 12),
            ["admin_password"] = new(Password, "site.yaml", 5, 17),
        };

        // When the values are resolved
        var error = Refused(new Dictionary<string, string> { ["use_tls"] = "maybe" }, fromFile);

        // Then every problem is listed, those from the file at file:line:column
        error.Problems.Select(problem => problem.Message).ShouldBe(
        [
            "site.yaml:4:12: 'mial_host' is not a parameter of this appliance",
            "site.yaml:3:12: parameter 'mail_port' (port): '0' is not a port (1-65535)",
            "parameter 'mail_host' is required and has no value",
            "parameter 'use_tls' (bool): 'maybe' is not true or false",
        ], ignoreOrder: true);
        error.Message.ShouldStartWith("4 problems with the site values:");
    }

    [Fact]
    public void A_set_value_overrides_the_values_file()
    {
        // Given a port in a file and another on the command line
        var fromFile = new Dictionary<string, ValueSource> { ["mail_port"] = new("0", "site.yaml", 3, 12) };

        // When the values are resolved
        var values = SiteValues.Resolve(SampleParameters.All, With(("mail_port", "2525")), fromFile);

        // Then the command line wins, and the file's bad value is not held against it
        values["mail_port"].ShouldBe("2525");
    }

    [Fact]
    public void A_password_never_appears_in_any_message()
    {
        // Given every kind of mistake around passwords: a misspelt name, an empty required one, one from a file
        var parameters = SampleParameters.All.Append(new SiteParameter { Name = "pin", Type = ParameterType.Password, Required = true }).ToList();
        var fromFile = new Dictionary<string, ValueSource> { ["admin_password"] = new(Password, "site.yaml", 1, 17) };
        var given = new Dictionary<string, string> { ["admin_pasword"] = Password, ["pin"] = "" };

        // When the values are resolved
        var error = Should.Throw<SiteValuesInvalidException>(() => SiteValues.Resolve(parameters, given, fromFile));

        // Then no message or hint holds the password
        error.Problems.Select(problem => problem.Name).ShouldBe(["admin_pasword", "mail_host", "pin"]);
        error.Message.ShouldNotContain("s3cr3t");
        error.Problems.ShouldAllBe(problem => !problem.ToString().Contains("s3cr3t"));
    }

    [Fact]
    public void With_sets_and_unsets_values_and_checks_them_again()
    {
        // Given resolved values with a port
        var values = SiteValues.Resolve(SampleParameters.All, With(("mail_port", "587")));

        // When one value is set and the port is unset
        var changed = values.With(new Dictionary<string, string> { ["use_tls"] = "true" }, ["mail_port"]);

        // Then the port is back to its default, the new value is given, and the original is untouched
        changed["mail_port"].ShouldBe("25");
        changed.IsDefault("mail_port").ShouldBeTrue();
        changed["use_tls"].ShouldBe("true");
        changed.Given.ShouldContainKey("use_tls");
        values["use_tls"].ShouldBe("false");
        values["mail_port"].ShouldBe("587");
    }

    [Fact]
    public void With_refuses_a_value_that_breaks_its_type_and_an_unknown_name_to_unset()
    {
        // Given resolved values
        var values = SiteValues.Resolve(SampleParameters.All, SampleParameters.Required());

        // When a bad value is set, or an unknown name unset
        var bad = Should.Throw<SiteValuesInvalidException>(() => values.With(new Dictionary<string, string> { ["workers"] = "0" }, []));
        var unknown = Should.Throw<SiteValuesInvalidException>(() => values.With(new Dictionary<string, string>(), ["mail_hots"]));

        // Then each is refused as Resolve would
        bad.Problems.ShouldHaveSingleItem().Message.ShouldContain("0 is below the minimum 1");
        unknown.Problems.ShouldHaveSingleItem().Hint.ShouldBe("did you mean 'mail_host'?");
    }
}
