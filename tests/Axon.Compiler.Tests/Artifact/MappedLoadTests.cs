using System.Runtime.CompilerServices;
using Axon.Compiler.Artifact;
using Axon.Graph;

namespace Axon.Compiler.Tests.Artifact;

/// <summary>Loading from disk maps the file: weights are views of the mapping, validated eagerly, never written back.</summary>
public sealed class MappedLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axon-mapped-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CompiledModel Sample(int n = 1000)
    {
        var g = new Axon.Graph.Graph { Name = "mapped" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Known(n)]))));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Known(n)]))));
        g.Initializers["w"] = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i * 0.5f).ToArray(), n);
        g.Initializers["b"] = Tensor.FromArray(new long[] { 7, -8, 9 }, 3);
        g.Nodes.Add(new Node("Add", ["x", "w"], ["y"], "add"));
        return new CompiledModel(g, new ArtifactMetadata { SourceHash = "s", OpsetImports = new() { [""] = 17 } });
    }

    private string Saved(CompiledModel m)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".axon");
        AxonFile.Save(m, path);
        return path;
    }

    [Fact]
    public void WeightsAreViewsOfTheMappedFileNotCopies()
    {
        var back = AxonFile.Load(Saved(Sample()));
        var w = back.Graph.Initializers["w"];
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 0.5f).ToArray(), w.ToArray<float>());
        Assert.Equal(new long[] { 7, -8, 9 }, back.Graph.Initializers["b"].ToArray<long>());
        Assert.NotNull(w.Buffer!.Owner); // external memory: the mapping, not a managed copy
        Assert.Same(w.Buffer, back.Graph.Initializers["b"].Buffer);
        unsafe
        {
            Assert.Equal(0, (long)w.Buffer.Pointer % 64);
        }
    }

    [Fact]
    public void WritesThroughAWeightStayPrivateToTheProcess()
    {
        string path = Saved(Sample());
        byte[] before = File.ReadAllBytes(path);
        var back = AxonFile.Load(path);
        back.Graph.Initializers["w"].Span<float>()[0] = 123f;
        Assert.Equal(123f, back.Graph.Initializers["w"].Span<float>()[0]);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(0f, AxonFile.Load(path).Graph.Initializers["w"].Span<float>()[0]);
    }

    [Fact]
    public void TheMappingOutlivesTheModelWhileATensorIsReachable()
    {
        var w = LoadAndKeepOneTensor(Saved(Sample()));
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(499.5f, w.Span<float>()[999]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tensor LoadAndKeepOneTensor(string path) => AxonFile.Load(path).Graph.Initializers["w"];

    [Fact]
    public void TruncatedOrEmptyFilesOnDiskAreRejectedWithACode()
    {
        string path = Saved(Sample());
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int cut in new[] { 0, 5, 40, 79, 80, 200, bytes.Length - 64, bytes.Length - 1 })
        {
            string p = Path.Combine(_dir, $"cut{cut}.axon");
            File.WriteAllBytes(p, bytes[..cut]);
            var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Load(p));
            Assert.Matches("^AXC00[12]$", ex.Code);
        }
        string longer = Path.Combine(_dir, "longer.axon");
        File.WriteAllBytes(longer, [.. bytes, 0]);
        Assert.Contains("truncated or corrupt", Assert.Throws<AxonCompileException>(() => AxonFile.Load(longer)).Message);
    }

    [Fact]
    public void ACorruptWeightIsRejectedAtLoadNamingTheWeightSection()
    {
        string path = Saved(Sample());
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0x10; // inside w's data
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Load(path));
        Assert.Equal("AXC002", ex.Code);
        Assert.Contains("weight section", ex.Message);
    }

    [Fact]
    public void ACorruptGraphIsRejectedNamingTheHeaderSection()
    {
        string path = Saved(Sample());
        byte[] bytes = File.ReadAllBytes(path);
        long graphOff = BitConverter.ToInt64(bytes, 32);
        bytes[graphOff + 3] ^= 1;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Load(path));
        Assert.Contains("header, metadata or graph", ex.Message);
    }

    [Fact]
    public void AMissingFileIsAClearError()
    {
        var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Load(Path.Combine(_dir, "nope.axon")));
        Assert.Equal("AXC001", ex.Code);
        Assert.Contains("nope.axon", ex.Message);
    }

    [Fact]
    public void TheCacheKeyFromAFileEqualsTheKeyFromItsBytes()
    {
        // A tiny real ONNX model: the cache filled from bytes must be hit when the key is streamed from the file.
        var g = new Axon.Graph.Graph { Name = "tiny" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Known(2)]))));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Known(2)]))));
        g.Nodes.Add(new Node("Relu", ["x"], ["y"]));
        var model = new Model(g);
        byte[] onnx = Axon.Onnx.OnnxModel.ToBytes(model);
        string src = Path.Combine(_dir, "tiny.onnx");
        File.WriteAllBytes(src, onnx);
        string cache = Path.Combine(_dir, "cache");
        var options = new CompileOptions { OptLevel = 2 };
        Assert.Null(Compiler.TryLoadCachedFile(src, options, cache));
        var first = Compiler.Compile(Axon.Onnx.OnnxModel.Load(onnx, null), options, onnx, cache);
        Assert.False(first.CacheHit);
        var hit = Compiler.TryLoadCachedFile(src, options, cache);
        Assert.NotNull(hit);
        Assert.True(hit.CacheHit);
        Assert.Equal(first.CachePath, hit.CachePath);
        Assert.Null(Compiler.TryLoadCachedFile(src, new CompileOptions { OptLevel = 1 }, cache));
        File.WriteAllBytes(src, [.. onnx, 0]); // other content, same path: never the stale artifact
        Assert.Null(Compiler.TryLoadCachedFile(src, options, cache));
    }
}
