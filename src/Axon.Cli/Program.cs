using System.CommandLine;
using Axon.Cli;
using Axon.Cli.Commands;

var root = new RootCommand("Axon: compile, run, serve and train ONNX models on .NET");
root.Subcommands.Add(ConformanceCommand.Create());

return CliHost.Invoke(root, args);
