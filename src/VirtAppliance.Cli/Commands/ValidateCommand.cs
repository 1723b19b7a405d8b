using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("APPLIANCE") { Description = "Descriptor file, appliance folder, .vapp package, or installed NAME[@VERSION]" };
        var requireFiles = new Option<bool>("--require-files")
        {
            Description = "Treat absent disk, kernel and initrd files as errors, as pack, install and deploy do",
        };
        var command = new Command("validate", """
            Check an appliance descriptor and report every problem with its file, line and column.
            Exits 0 when valid (warnings allowed), 3 when invalid, 7 when not found.

            Examples:
              virt-appliance validate appliance.xml
              virt-appliance validate ./my-appliance --require-files
              virt-appliance validate my-appliance.vapp --json
            """)
        {
            appliance,
            requireFiles,
        };
        CliApplication.SetHandler(command, globals, output, (context, _) =>
        {
            var purpose = context.Get(requireFiles) ? ValidationPurpose.Use : ValidationPurpose.Describe;
            var loaded = context.Services.Appliances.Validate(context.Get(appliance), purpose);
            var errors = loaded.Problems.Count(problem => problem.Severity == Severity.Error);
            var warnings = loaded.Problems.Count - errors;
            if (context.Json)
            {
                context.Output.Json(new
                {
                    Source = loaded.Path,
                    Kind = loaded.Kind,
                    Name = loaded.Descriptor?.Name,
                    Version = loaded.Descriptor?.Version,
                    Release = loaded.Descriptor?.Release,
                    Valid = loaded.IsValid,
                    Errors = errors,
                    Warnings = warnings,
                    Problems = loaded.Problems.Select(ProblemJson.From),
                });
            }
            else
            {
                foreach (var problem in loaded.Problems)
                    context.Output.Line(problem.ToString());
                context.Output.Line(loaded.IsValid
                    ? $"{loaded.Path}: valid" + (warnings > 0 ? $" ({warnings} warning{(warnings == 1 ? "" : "s")})" : "")
                    : $"{loaded.Path}: invalid, {errors} error{(errors == 1 ? "" : "s")}" + (warnings > 0 ? $", {warnings} warning{(warnings == 1 ? "" : "s")}" : ""));
            }
            return Task.FromResult(loaded.IsValid ? ExitCodes.Success : ExitCodes.InvalidInput);
        });
        return command;
    }
}
