using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Configuration;

public sealed class ConfigTemplatesTests : IDisposable
{
    private static readonly SourceLocation Element = new("appliance.xml", 12, 5);

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ApplianceDescriptor Appliance(params (string Source, string Text, string? Mode)[] templates)
    {
        foreach (var (source, text, _) in templates)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_folder[source])!);
            File.WriteAllText(_folder[source], text);
        }
        return new ApplianceDescriptor
        {
            Name = "relay",
            BaseDirectory = _folder.Path,
            Parameters = SampleParameters.All,
            Templates = [.. templates.Select(template => new ConfigTemplate("/etc/relay/" + Path.GetFileNameWithoutExtension(template.Source), template.Source, template.Mode, Element))],
        };
    }

    [Fact]
    public void Templates_that_use_only_declared_parameters_have_no_problems()
    {
        // Given a template using parameters in output, tags, filters and its own variables
        var appliance = Appliance(("templates/relay.conf.liquid", """
            host = {{ mail_host | downcase }}
            {% if use_tls and mail_port > 100 %}tls = on{% endif %}
            {% assign level = log_level | default: "info" %}level = {{ level }}
            {% for i in (1..workers) %}worker {{ i }} of {{ forloop.length }}{% endfor %}
            {% capture greeting %}{{ banner }}{% endcapture %}{{ greeting }}
            """, null));

        // When the templates are checked
        var problems = ConfigTemplates.Check(appliance);

        // Then there is nothing to report
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void An_undeclared_variable_is_an_error_at_its_line_with_the_closest_parameter()
    {
        // Given a template with a misspelt parameter inside an if tag
        var appliance = Appliance(("relay.conf.liquid", "host = {{ mail_host }}\n{% if use_tsl %}\ntls = on\n{% endif %}\n", null));

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then it is an error naming the variable, where it is, with a "did you mean"
        problem.Severity.ShouldBe(Severity.Error);
        problem.Message.ShouldBe("template 'relay.conf.liquid' uses 'use_tsl', which is not a declared parameter");
        problem.Hint.ShouldBe("did you mean 'use_tls'?");
        problem.Location.ShouldBe(new SourceLocation(_folder["relay.conf.liquid"], 2, 7));
    }

    [Fact]
    public void An_undeclared_variable_far_from_any_parameter_says_to_declare_it()
    {
        // Given a template naming something unrelated
        var appliance = Appliance(("relay.conf.liquid", "{{ database_url }}", null));

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then the hint says how to declare it
        problem.Hint!.ShouldContain("<parameter name=\"database_url\"");
    }

    [Fact]
    public void A_syntax_error_is_reported_at_its_line_and_column_in_the_template()
    {
        // Given a template with an unclosed output tag on line 2
        var appliance = Appliance(("relay.conf.liquid", "host = {{ mail_host }}\nport = {{ mail_port }\n", null));

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then the problem is at the template file's line and column
        problem.Severity.ShouldBe(Severity.Error);
        problem.Message.ShouldStartWith("template 'relay.conf.liquid' is not valid Liquid: ");
        problem.Location.File.ShouldBe(_folder["relay.conf.liquid"]);
        problem.Location.Line.ShouldBe(2);
        problem.Location.Column.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_missing_template_file_is_an_error_at_the_descriptor_element()
    {
        // Given a descriptor naming a template that is not there
        var appliance = Appliance() with { Templates = [new ConfigTemplate("/etc/relay.conf", "missing.liquid", null, Element)] };

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then the descriptor's element is blamed
        problem.Location.ShouldBe(Element);
        problem.Message.ShouldContain("'missing.liquid' does not exist");
    }

    [Fact]
    public void A_template_outside_the_appliance_folder_is_an_error()
    {
        // Given a template reached with '..'
        var appliance = Appliance() with { Templates = [new ConfigTemplate("/etc/passwd", "../../etc/passwd", null, Element)] };

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then it is refused
        problem.Message.ShouldContain("outside the appliance folder");
    }

    [Fact]
    public void A_template_that_includes_another_file_is_an_error()
    {
        // Given a template with an include
        var appliance = Appliance(("relay.conf.liquid", "{% include 'other' %}", null));

        // When the templates are checked
        var problem = ConfigTemplates.Check(appliance).ShouldHaveSingleItem();

        // Then include is named
        problem.Message.ShouldContain("{% include %}");
    }

    [Fact]
    public async Task Bools_work_in_if_and_ints_are_numbers()
    {
        // Given a template testing a bool and computing with an int
        var appliance = Appliance(("relay.conf.liquid", """
            {% if use_tls %}tls on{% else %}tls off{% endif %}
            {% unless use_tls %}plain{% endunless %}
            workers {{ workers | plus: 1 }}{% if mail_port > 100 %} high{% endif %}
            """, "0640"));
        var values = SiteValues.Resolve(SampleParameters.All, SampleParameters.Required());

        // When it is rendered with use_tls false (the default) and then true
        var off = (await ConfigTemplates.RenderAsync(appliance, values, TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        var on = (await ConfigTemplates.RenderAsync(appliance, values.With(new Dictionary<string, string> { ["use_tls"] = "true", ["mail_port"] = "587" }, []), TestContext.Current.CancellationToken)).ShouldHaveSingleItem();

        // Then "false" is false, and the int is a number
        off.Content.ShouldBe("tls off\nplain\nworkers 5");
        on.Content.ShouldBe("tls on\n\nworkers 5 high");
        on.Mode.ShouldBe("0640");
        on.GuestPath.ShouldBe("/etc/relay/relay.conf");
    }

    [Fact]
    public async Task Values_are_not_HTML_encoded_and_secrets_render_like_any_value()
    {
        // Given a template with a banner full of markup characters and the password
        var appliance = Appliance(("relay.conf.liquid", "banner={{ banner }}\npassword={{ admin_password }}\nunset=[{{ admin_email }}]\n", null));
        var values = SiteValues.Resolve(SampleParameters.All, new Dictionary<string, string>(SampleParameters.Required()) { ["banner"] = "<Mail & \"Co\">" });

        // When it is rendered
        var file = (await ConfigTemplates.RenderAsync(appliance, values, TestContext.Current.CancellationToken)).ShouldHaveSingleItem();

        // Then the text is as given, the mode is the default, and the file does not print its content
        file.Content.ShouldBe("banner=<Mail & \"Co\">\npassword=s3cr3t-Pa55\nunset=[]\n");
        file.Mode.ShouldBe("0644");
        file.ToString().ShouldNotContain("s3cr3t");
    }

    [Fact]
    public async Task Rendering_a_broken_template_is_refused_with_its_place()
    {
        // Given a template with a syntax error
        var appliance = Appliance(("relay.conf.liquid", "{% if %}", null));
        var values = SiteValues.Resolve(SampleParameters.All, SampleParameters.Required());

        // When it is rendered
        var error = await Should.ThrowAsync<InvalidInputException>(() => ConfigTemplates.RenderAsync(appliance, values, TestContext.Current.CancellationToken));

        // Then the message says where
        error.Message.ShouldStartWith(_folder["relay.conf.liquid"] + ":1:");
    }
}
