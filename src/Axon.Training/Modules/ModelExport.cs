using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Training;

/// <summary>
/// Turns trained values back into an inference model: parameters (and BatchNorm running statistics) replace the
/// initializers of the same name, then the model is written as ONNX or compiled to a <c>.axon</c> artifact.
/// </summary>
public static class ModelExport
{
    /// <summary>
    /// A copy of <paramref name="inference"/> whose initializers named in <paramref name="values"/> hold those values.
    /// Every value must name an existing initializer of the same shape (a mismatch is a clear error, AXG010).
    /// </summary>
    public static Model WithParameters(Model inference, IReadOnlyDictionary<string, Tensor> values)
    {
        var g = inference.Graph.Clone();
        foreach (var kv in values)
        {
            if (!g.Initializers.TryGetValue(kv.Key, out var old))
            {
                throw new AxonModelException($"export: the inference graph has no initializer named '{kv.Key}'", "AXG010");
            }
            if (!old.Shape.AsSpan().SequenceEqual(kv.Value.Shape) || old.DType != kv.Value.DType)
            {
                throw new AxonModelException($"export: '{kv.Key}' is {old}, the trained value is {kv.Value}", "AXG010");
            }
            g.Initializers[kv.Key] = kv.Value;
        }
        var m = new Model(g) { ProducerName = "axon-training", IrVersion = inference.IrVersion, DocString = inference.DocString };
        foreach (var kv in inference.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        foreach (var kv in inference.Metadata)
        {
            m.Metadata[kv.Key] = kv.Value;
        }
        return m;
    }

    /// <summary>The module's inference graph with its current parameter values (after <see cref="Module.LoadParameters"/>).</summary>
    public static Model Inference(Module module, object[] inputShape, ulong seed = 1) => module.BuildForward(inputShape, seed);

    /// <summary>Writes the model as ONNX.</summary>
    public static void SaveOnnx(Model model, string path) => OnnxModel.Save(model, path);

    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="onnxPath"/> (creating its folder) and, beside it, its compiled form
    /// for any batch size under the same name with <c>.axon</c>; returns that path.
    /// </summary>
    public static string Save(Model model, string onnxPath)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(onnxPath));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
        SaveOnnx(model, onnxPath);
        string axon = Path.ChangeExtension(onnxPath, ".axon");
        AxonFile.Save(Compiler.Compiler.Compile(model, new CompileOptions { DynamicBatch = true }).Model, axon);
        return axon;
    }

    /// <summary>Compiles the model (at -O<paramref name="optLevel"/>) and writes the <c>.axon</c> artifact.</summary>
    public static void SaveAxon(Model model, string path, int optLevel = 2) =>
        AxonFile.Save(Compiler.Compiler.Compile(model, new CompileOptions { OptLevel = optLevel }).Model, path);
}
