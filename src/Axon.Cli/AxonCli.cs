using System.CommandLine;
using System.Reflection;
using Axon.Cli.Commands;

namespace Axon.Cli;

/// <summary>The <c>axon</c> command line as a callable: <c>Program</c> and in-process tests both go through <see cref="Run"/>.</summary>
public static class AxonCli
{
    /// <summary>Parses <paramref name="args"/>, runs the verb, and returns the exit code (0 ok, 1 model or input error, 2 usage error).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var io = new CliIO(stdout, stderr);
        var root = new RootCommand("Axon: compile, run, serve and train ONNX models on .NET");
        foreach (var o in root.Options.OfType<VersionOption>().ToList())
        {
            // The built-in option reports the entry assembly, which is the test host when run in-process.
            root.Options.Remove(o);
        }
        var version = new Option<bool>("--version") { Description = "print the Axon version and exit" };
        root.Options.Add(version);
        root.SetAction(p =>
        {
            if (p.GetValue(version))
            {
                io.Out.WriteLine($"axon {Version}");
                return CliHost.Ok;
            }
            throw new UsageException("no command given (try 'axon --help')");
        });
        root.Subcommands.Add(RunCommand.Create(io));
        root.Subcommands.Add(InspectCommand.Create(io));
        root.Subcommands.Add(ConformanceCommand.Create(io));
        root.Subcommands.Add(CompileCommand.Create(io));
        root.Subcommands.Add(TrainCommand.Create(io));
        root.Subcommands.Add(ServeCommand.Create(io));
        root.Subcommands.Add(LsCommand.Create(io));
        root.Subcommands.Add(PerfCommand.Create(io));
        root.Subcommands.Add(ProjectCommand.Create(io));
        root.Subcommands.Add(AdviseCommand.Create(io));
        root.Subcommands.Add(QuantizeCommand.Create(io));
        root.Subcommands.Add(CompareCommand.Create(io));
        root.Subcommands.Add(PrecisionSweepCommand.Create(io));
        root.Subcommands.Add(ProfileCommand.Create(io));
        root.Subcommands.Add(MonitorCommand.Create(io));
        root.Subcommands.Add(TopCommand.Create(io));
        return CliHost.Invoke(root, args, io);
    }

    /// <summary>The product version (informational version without the source-revision suffix).</summary>
    public static string Version
    {
        get
        {
            var asm = typeof(AxonCli).Assembly;
            string v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? asm.GetName().Version?.ToString() ?? "0.0.0";
            int plus = v.IndexOf('+');
            return plus >= 0 ? v[..plus] : v;
        }
    }
}
