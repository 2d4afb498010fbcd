using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Runtime.Precision;

/// <summary>Loads models for precision work: an .onnx file optimized at -O2 in a given precision, or a compiled .axon as it is.</summary>
public static class PrecisionModels
{
    /// <summary>True when the file starts with the .axon magic.</summary>
    public static bool IsArtifact(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8];
        return f.Read(head) == 8 && AxonFile.LooksLikeArtifact(head);
    }

    /// <summary>The runnable (optimized) model at <paramref name="path"/>: .axon as compiled, .onnx through the pipeline for <paramref name="options"/>.</summary>
    public static Model Load(string path, CompileOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new AxonInputException($"model '{path}' does not exist", "AXQ006");
        }
        if (IsArtifact(path))
        {
            return Compiler.Compiler.ToModel(AxonFile.Load(path));
        }
        var model = OnnxModel.Load(path);
        options ??= new CompileOptions();
        return Pipelines.For(options).Run(model, options);
    }
}
