using System.CommandLine;
using Axon.Cli.Rendering;
using Axon.Cli.Running;
using Axon.Graph.Reference;
using Axon.IO;
using Axon.Onnx;

namespace Axon.Cli.Commands;

/// <summary><c>axon run MODEL --input NAME=FILE.npy ... [--output-dir DIR]</c>: runs a model once with the reference executor.</summary>
internal static class RunCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "the .onnx model (run by the reference executor) or a compiled .axon artifact (run on the compiled path)" };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "a model input as NAME=FILE.npy, or NAME=FILE.pb for a serialized ONNX TensorProto (repeat for each input)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var outDir = new Option<string?>("--output-dir", "-o") { Description = "write each output to DIR/<output>.npy" };
        var cmd = new Command("run", "Run a model on .npy inputs with the reference executor and print its outputs") { model, inputs, outDir };
        cmd.SetAction(p => Run(io, p.GetValue(model)!, p.GetValue(inputs) ?? [], p.GetValue(outDir)));
        return cmd;
    }

    private static bool IsArtifact(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            var head = new byte[8];
            return f.Read(head) == 8 && Compiler.Artifact.AxonFile.LooksLikeArtifact(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int Run(CliIO io, string modelPath, string[] inputArgs, string? outDir)
    {
        var assignments = InputBinder.ParseAssignments(inputArgs);
        IReadOnlyList<KeyValuePair<string, IValue?>> outputs;
        if (IsArtifact(modelPath))
        {
            // A compiled artifact runs on the compiled path: planned arena, fast kernels, reference fallback.
            var compiled = Compiler.Artifact.AxonFile.Load(modelPath);
            var model = Compiler.Compiler.ToModel(compiled);
            var feeds = InputBinder.Bind(model.Graph, assignments);
            using var session = new Runtime.InferenceSession(model);
            outputs = session.Run(feeds.ToDictionary(kv => kv.Key, kv => kv.Value as Tensor
                ?? throw new AxonInputException($"input '{kv.Key}' must be a tensor for a compiled model", "AXON208")));
        }
        else
        {
            var model = OnnxModel.Load(modelPath);
            var feeds = InputBinder.Bind(model.Graph, assignments);
            outputs = new ReferenceExecutor(model).Run(feeds);
        }
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in outputs)
        {
            io.Out.WriteLine($"{name}: {ValueFormat.Describe(value)}");
            if (outDir is null)
            {
                continue;
            }
            if (value is not Tensor t)
            {
                io.Err.WriteLine($"warning: output '{name}' is not a tensor; not written");
                continue;
            }
            if (!Npy.CanWrite(t.DType))
            {
                io.Err.WriteLine($"warning: output '{name}' is {t.DType.OnnxName()}, which NumPy cannot store; not written");
                continue;
            }
            string file = Path.Combine(outDir, ValueFormat.SafeFileName(name, used) + ".npy");
            Npy.Write(file, t);
            io.Out.WriteLine($"  wrote {file}");
        }
        return CliHost.Ok;
    }
}
