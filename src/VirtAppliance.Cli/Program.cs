using VirtAppliance.Cli;

return await CliApplication.RunAsync(args);
