using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Training.Trainer;

/// <summary>Writes a trained model as ONNX and, beside it, as a compiled <c>.axon</c> artifact.</summary>
public static class ModelExport
{
    /// <summary>Saves <paramref name="model"/> to <paramref name="onnxPath"/> and its compiled form to the same name with .axon; returns that path.</summary>
    public static string Save(Model model, string onnxPath)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(onnxPath));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
        OnnxModel.Save(model, onnxPath);
        string axon = Path.ChangeExtension(onnxPath, ".axon");
        var compiled = Compiler.Compiler.Compile(OnnxModel.Load(onnxPath), new CompileOptions { DynamicBatch = true });
        AxonFile.Save(compiled.Model, axon);
        return axon;
    }
}
