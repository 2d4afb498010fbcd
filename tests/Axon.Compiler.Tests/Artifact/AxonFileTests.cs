using Axon.Compiler.Artifact;
using Axon.Graph;

namespace Axon.Compiler.Tests.Artifact;

public sealed class AxonFileTests
{
    private static CompiledModel Sample()
    {
        var g = new Axon.Graph.Graph { Name = "sample" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(3)]))));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(2)]))));
        g.Initializers["w"] = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        g.Initializers["names"] = Tensor.FromStrings(["a", "β"], 2);
        var body = new Axon.Graph.Graph { Name = "then" };
        body.Outputs.Add(new ValueInfo("t", TypeInfo.Unknown));
        body.Nodes.Add(new Node("Constant", [], ["t"]).SetAttr(Attr.Of("value", Tensor.Scalar(7L))));
        g.Nodes.Add(new Node("MatMul", ["x", "w"], ["m"], "mm"));
        g.Nodes.Add(new Node("Relu", ["m"], ["y"], "act").SetAttr(Attr.Of("alpha", 0.5f)).SetAttr(Attr.Of("ints", new long[] { 1, -2 }))
            .SetAttr(Attr.Of("mode", "exact")).SetAttr(Attr.Of("branch", body)));
        var meta = new ArtifactMetadata { SourceHash = "abc", NodesBefore = 5, NodesAfter = 2, OpsetImports = new() { [""] = 17 } };
        return new CompiledModel(g, meta);
    }

    [Fact]
    public void RoundTripsGraphWeightsAndMetadata()
    {
        var bytes = AxonFile.Write(Sample());
        var back = AxonFile.Read(bytes);
        Assert.Equal("sample", back.Graph.Name);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, back.Graph.Initializers["w"].ToArray<float>());
        Assert.Equal(new[] { "a", "β" }, back.Graph.Initializers["names"].Strings.ToArray());
        Assert.Equal("batch", back.Graph.Inputs[0].Type.Shape[0].Symbol);
        var act = back.Graph.Nodes[1];
        Assert.Equal(0.5f, act.GetFloat("alpha", 0));
        Assert.Equal(new long[] { 1, -2 }, act.GetInts("ints"));
        Assert.Equal("exact", act.GetString("mode", ""));
        Assert.Equal(7L, act.GetGraph("branch")!.Nodes[0].GetTensor("value")!.ToArray<long>()[0]);
        Assert.Equal("abc", back.Metadata.SourceHash);
        Assert.Equal(17, back.Metadata.OpsetImports[""]);
        Assert.Equal(bytes, AxonFile.Write(back), new ByteComparer(ignoreTimestamp: true));
    }

    [Fact]
    public void WeightsAreAlignedForMemoryMapping()
    {
        var bytes = AxonFile.Write(Sample());
        long weightsOffset = BitConverter.ToInt64(bytes, 48);
        Assert.Equal(0, weightsOffset % 64);
    }

    [Fact]
    public void RejectsEveryTruncationAndBitFlipWithAClearError()
    {
        var bytes = AxonFile.Write(Sample());
        for (int cut = 0; cut < bytes.Length; cut += 7)
        {
            var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Read(bytes[..cut]));
            Assert.StartsWith("AXC", ex.Code);
        }
        var rng = new Random(3);
        for (int i = 0; i < 300; i++)
        {
            var copy = (byte[])bytes.Clone();
            int at = rng.Next(copy.Length);
            copy[at] ^= (byte)(1 << rng.Next(8));
            var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Read(copy));
            Assert.StartsWith("AXC", ex.Code);
        }
    }

    [Fact]
    public void RejectsOtherVersionsByName()
    {
        var bytes = AxonFile.Write(Sample());
        bytes[8] = 99;
        var ex = Assert.Throws<AxonCompileException>(() => AxonFile.Read(bytes));
        Assert.Contains("version 99", ex.Message);
    }

    private sealed class ByteComparer(bool ignoreTimestamp) : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? a, byte[]? b) => ignoreTimestamp ? a!.Length == b!.Length : a!.AsSpan().SequenceEqual(b);
        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
