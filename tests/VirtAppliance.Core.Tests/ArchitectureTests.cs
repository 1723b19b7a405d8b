using System.Reflection;
using Mono.Cecil;
using NetArchTest.Rules;
using Shouldly;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;
using Xunit;

namespace VirtAppliance.Core.Tests;

/// <summary>
/// The layers of ../shared/DESIGN.md, enforced: imports point down the stack and never in a loop,
/// and a face (the CLI) reaches the store, packaging, images, deployment and the hypervisor only
/// through the services, holding nothing of theirs but read-only models.
/// </summary>
public class ArchitectureTests
{
    private const string Root = "VirtAppliance.Core";

    /// <summary>Bottom first. A namespace may import lower layers and others of its own layer, without a loop.</summary>
    private static readonly string[][] Layers =
    [
        ["Errors", "Internal"],
        ["Images", "Hypervisor", "Descriptors"],
        ["Packaging", "Capabilities", "Configuration", "Recipes", "Authoring", "Interchange"],
        ["Store", "DomainXml"],
        ["Deployment", "Monitoring", "Distribution"],
        ["Services"],
    ];

    /// <summary>What a face may not touch except through read-only models.</summary>
    private static readonly string[] BehindServices = ["Store", "Packaging", "Images", "Deployment", "Monitoring", "Distribution", "Interchange", "Hypervisor", "Internal"];

    /// <summary>Pure functions a face may call: the text of an enum, the one "did you mean" rule.</summary>
    private static readonly string[] ModelHelpers = [typeof(DiskFormatSpelling).FullName!, typeof(Internal.Spelling).FullName!, typeof(VirtAppliance.Core.Monitoring.SmtpSecuritySpelling).FullName!, typeof(VersionOrder).FullName!];

    /// <summary>What a face's composition root hands the services: the libvirt binding, as Core's interface.</summary>
    private static readonly string[] CompositionSeams = [typeof(Hypervisor.IHypervisorConnector).FullName!];

    private static readonly Assembly Core = typeof(ApplianceStore).Assembly;

    /// <summary>The faces: the CLI and the web server (page, REST API, metrics). Both parse, call one service method and render.</summary>
    public static TheoryData<string> Faces => ["virt-appliance.dll", "VirtAppliance.Web.dll"];

    private static IEnumerable<string> AllNamespaces => Layers.SelectMany(layer => layer);

    private static int LayerOf(string name) => Array.FindIndex(Layers, layer => layer.Contains(name));

    private static bool DependsOn(string from, string to) =>
        !Types.InAssembly(Core).That().ResideInNamespace($"{Root}.{from}").ShouldNot().HaveDependencyOn($"{Root}.{to}").GetResult().IsSuccessful;

    private static IEnumerable<string> Offenders(string from, string to) =>
        Types.InAssembly(Core).That().ResideInNamespace($"{Root}.{from}").ShouldNot().HaveDependencyOn($"{Root}.{to}").GetResult().FailingTypeNames ?? [];

    [Fact]
    public void Every_Core_type_lives_in_a_namespace_of_a_known_layer()
    {
        var strays = Core.GetTypes()
            .Where(type => type.Namespace?.StartsWith("VirtAppliance", StringComparison.Ordinal) == true)
            .Where(type => !AllNamespaces.Any(name => type.Namespace == $"{Root}.{name}"))
            .Select(type => type.FullName).ToList();

        strays.ShouldBeEmpty("each namespace of Core belongs to one layer of DESIGN.md; add a new one to Layers on purpose");
    }

    [Fact]
    public void No_Core_namespace_imports_a_higher_layer()
    {
        var violations = new List<string>();
        foreach (var from in AllNamespaces)
        {
            foreach (var to in AllNamespaces.Where(to => LayerOf(to) > LayerOf(from)))
                violations.AddRange(Offenders(from, to).Select(type => $"{type} → {Root}.{to}"));
        }

        violations.ShouldBeEmpty();
    }

    [Fact]
    public void Namespaces_of_one_layer_do_not_import_each_other_both_ways()
    {
        var loops = new List<string>();
        foreach (var layer in Layers)
        {
            foreach (var (a, b) in layer.SelectMany((a, i) => layer.Skip(i + 1).Select(b => (a, b))))
            {
                if (DependsOn(a, b) && DependsOn(b, a))
                    loops.Add($"{a} ⇄ {b}: {string.Join(", ", Offenders(a, b))} / {string.Join(", ", Offenders(b, a))}");
            }
        }

        loops.ShouldBeEmpty();
    }

    [Fact]
    public void Core_knows_nothing_of_its_faces_or_of_libvirt()
    {
        var result = Types.InAssembly(Core).ShouldNot()
            .HaveDependencyOnAny("VirtAppliance.Cli", "VirtAppliance.Web", "VirtAppliance.Libvirt", "Spectre.Console", "System.CommandLine")
            .GetResult();

        (result.FailingTypeNames ?? []).ShouldBeEmpty();
    }

    [Fact]
    public void The_web_face_knows_nothing_of_the_CLI_or_of_libvirt()
    {
        // The CLI composes the web server (serve) and hands it the services; the web never reaches past them.
        var result = Types.InAssembly(typeof(VirtAppliance.Web.WebServer).Assembly).ShouldNot()
            .HaveDependencyOnAny("VirtAppliance.Cli", "VirtAppliance.Libvirt", "Spectre.Console", "System.CommandLine")
            .GetResult();

        (result.FailingTypeNames ?? []).ShouldBeEmpty();
    }

    [Fact]
    public void The_libvirt_binding_uses_only_the_layers_below_it()
    {
        var binding = typeof(VirtAppliance.Libvirt.LibvirtConnector).Assembly;
        var above = AllNamespaces.Where(name => LayerOf(name) >= LayerOf("Packaging")).Select(name => $"{Root}.{name}").ToArray();

        var result = Types.InAssembly(binding).ShouldNot().HaveDependencyOnAny(above).GetResult();

        (result.FailingTypeNames ?? []).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public void A_face_holds_only_read_only_models_of_the_layers_behind_the_services(string face)
    {
        using var cli = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, face), ReaderParameters());

        var notModels = cli.GetTypeReferences().Where(IsBehindServices).Select(reference => reference.Resolve())
            .Where(type => type is not null && !IsModel(type) && !ModelHelpers.Contains(type.FullName) && !CompositionSeams.Contains(type.FullName))
            .Select(type => type!.FullName).Distinct().Order(StringComparer.Ordinal).ToList();

        notModels.ShouldBeEmpty($"{face} parses, calls one service method and renders; a verb or endpoint that needs more gets a service method");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public void A_face_calls_nothing_behind_the_services_but_the_getters_of_models(string face)
    {
        using var cli = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, face), ReaderParameters());

        var calls = cli.GetMemberReferences().OfType<MethodReference>()
            .Where(method => IsBehindServices(method.DeclaringType) && !ModelHelpers.Contains(ElementOf(method.DeclaringType).FullName))
            .Where(method => !IsReadOnlyMember(method.Name) && !IsInitOnlySetter(method))
            .Select(method => $"{ElementOf(method.DeclaringType).FullName}.{method.Name}").Distinct().Order(StringComparer.Ordinal).ToList();

        calls.ShouldBeEmpty();
    }

    [Fact]
    public void The_rules_catch_what_they_are_for()
    {
        // The store and the image inspector are not models; the records services return are.
        using var core = ModuleDefinition.ReadModule(Core.Location, ReaderParameters());
        IsModel(core.GetType($"{Root}.Store.ApplianceStore")).ShouldBeFalse();
        IsModel(core.GetType($"{Root}.Images.ImageInspector")).ShouldBeFalse();
        IsModel(core.GetType($"{Root}.Packaging.PackageSigner")).ShouldBeFalse();
        IsModel(core.GetType($"{Root}.Store.InstalledAppliance")).ShouldBeTrue();
        IsModel(core.GetType($"{Root}.Packaging.SignatureStatus")).ShouldBeTrue();
        IsModel(core.GetType($"{Root}.Packaging.PackageProgress")).ShouldBeTrue();
        IsReadOnlyMember("ListAsync").ShouldBeFalse();
        IsReadOnlyMember("get_Path").ShouldBeTrue();
        DependsOn("Services", "Store").ShouldBeTrue("the layering test must see real dependencies");
    }

    private static ReaderParameters ReaderParameters()
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        return new ReaderParameters { AssemblyResolver = resolver };
    }

    private static TypeReference ElementOf(TypeReference type)
    {
        while (type is TypeSpecification specification)
            type = specification.ElementType;
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private static bool IsBehindServices(TypeReference type)
    {
        var outer = ElementOf(type);
        return BehindServices.Any(name => outer.Namespace == $"{Root}.{name}");
    }

    private static bool IsReadOnlyMember(string name) =>
        name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("op_", StringComparison.Ordinal)
        || name is ".ctor" or "Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "<Clone>$";

    /// <summary>An init accessor (a <c>with</c> on a record makes a changed copy; nothing is changed in place).</summary>
    private static bool IsInitOnlySetter(MethodReference method) =>
        method.Name.StartsWith("set_", StringComparison.Ordinal)
        && method.ReturnType is RequiredModifierType { ModifierType.FullName: "System.Runtime.CompilerServices.IsExternalInit" };

    /// <summary>An enum, an exception, a record, or a class whose public instance methods only read.</summary>
    private static bool IsModel(TypeDefinition type)
    {
        if (type.IsEnum || IsException(type))
            return true;
        if (type.IsAbstract && type.IsSealed)
            return false; // a static class: behaviour, not data
        if (type.Methods.Any(method => method.Name is "<Clone>$" or "PrintMembers"))
            return true;
        return type.Methods.Where(method => method.IsPublic && !method.IsStatic).All(method => IsReadOnlyMember(method.Name));
    }

    private static bool IsException(TypeDefinition type)
    {
        for (var current = type; current is not null; current = current.BaseType?.Resolve())
        {
            if (current.FullName == "System.Exception")
                return true;
        }
        return false;
    }
}
