using Axon.Graph;
using Axon.Graph.Reference;
using Axon.Onnx.Export;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx.Tests;

/// <summary>One targeted test per kind of bad input: each must be an <see cref="AxonModelException"/> naming what is at fault.</summary>
public class HostileInputTests
{
    /// <summary>x → Relu → a → Add(a, w) → y, with an initializer w.</summary>
    private static Model Small()
    {
        var g = new Axon.Graph.Graph { Name = "g" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, 2)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, 2)));
        g.Initializers["w"] = Tensor.FromArray(new float[] { 1, 2 }, 2);
        g.Nodes.Add(new Node("Relu", ["x"], ["a"], "relu"));
        g.Nodes.Add(new Node("Add", ["a", "w"], ["y"], "add"));
        var m = new Model(g);
        m.OpsetImports[""] = 17;
        return m;
    }

    private static AxonModelException LoadFails(Model m) => LoadFails(OnnxModel.ToBytes(m));

    private static AxonModelException LoadFails(byte[] bytes, string? dir = null) =>
        Assert.ThrowsAny<AxonModelException>(() => OnnxModel.Load(bytes, dir));

    [Fact]
    public void TheBaselineModelLoadsAndRuns()
    {
        var m = OnnxModel.Load(OnnxModel.ToBytes(Small()), null);
        var outs = new ReferenceExecutor(m).Run(new Dictionary<string, IValue?> { ["x"] = Tensor.FromArray(new float[] { -1, 3 }, 2) });
        Assert.Equal(new[] { 1f, 5f }, ((Tensor)outs[0].Value!).ToArray<float>());
    }

    [Fact]
    public void TruncatedProtobufIsAModelError()
    {
        var bytes = OnnxModel.ToBytes(Small());
        for (int len = 1; len < bytes.Length; len += 7)
        {
            try
            {
                OnnxModel.Load(bytes.AsSpan(0, len), null);
            }
            catch (AxonModelException)
            {
                // Expected for almost every cut; a cut at a field boundary may still parse as a (different) valid model.
            }
        }
        var e = LoadFails(bytes[..(bytes.Length / 2)]);
        Assert.Contains("ONNX", e.Message);
    }

    [Fact]
    public void CorruptProtobufIsAModelError()
    {
        LoadFails([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        LoadFails(System.Text.Encoding.ASCII.GetBytes("this is not a protobuf at all"));
        LoadFails([]);
    }

    [Fact]
    public void WrongLengthPrefixIsAModelError()
    {
        // Field 7 (graph), length-delimited, claiming 2^31 bytes while a handful follow.
        var bytes = new byte[] { 0x08, 0x07, 0x3A, 0x80, 0x80, 0x80, 0x80, 0x08, 0x0A, 0x00 };
        LoadFails(bytes);
    }

    [Fact]
    public void InvalidUtf8InANameIsAModelError()
    {
        var p = ModelExporter.ToProto(Small());
        var bytes = p.ToByteArray();
        // Replace the node name "relu" by bytes that are not UTF-8.
        int at = bytes.AsSpan().IndexOf("relu"u8);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        Assert.Contains("UTF-8", LoadFails(bytes).Message);
    }

    [Fact]
    public void UnknownOperatorNamesTheNode()
    {
        var m = Small();
        m.Graph.Nodes[0] = new Node("FrobnicateX", ["x"], ["a"], "frob");
        var loaded = OnnxModel.Load(OnnxModel.ToBytes(m), null);
        var e = Assert.ThrowsAny<AxonModelException>(() => new ReferenceExecutor(loaded));
        Assert.Contains("frob", e.Message);
        Assert.Contains("FrobnicateX", e.Message);
    }

    [Fact]
    public void UnknownOpsetIsRejected()
    {
        var m = Small();
        m.OpsetImports[""] = 99;
        var e = LoadFails(m);
        Assert.IsType<AxonUnsupportedException>(e);
        Assert.Contains("99", e.Message);

        var m2 = Small();
        m2.OpsetImports[""] = 0;
        LoadFails(m2);
    }

    [Fact]
    public void DomainWithoutOpsetImportNamesTheNode()
    {
        var m = Small();
        m.Graph.Nodes[0] = new Node("Relu", ["x"], ["a"], "custom_relu", "com.unknown");
        var e = LoadFails(m);
        Assert.Contains("custom_relu", e.Message);
        Assert.Contains("com.unknown", e.Message);
    }

    [Fact]
    public void CycleNamesTheNodes()
    {
        var m = Small();
        m.Graph.Nodes.Clear();
        m.Graph.Nodes.Add(new Node("Add", ["x", "c"], ["b"], "first"));
        m.Graph.Nodes.Add(new Node("Relu", ["b"], ["c"], "second"));
        m.Graph.Nodes.Add(new Node("Relu", ["b"], ["y"], "out"));
        var e = LoadFails(m);
        Assert.Contains("cycle", e.Message);
        Assert.Contains("first", e.Message);
        Assert.Contains("second", e.Message);
    }

    [Fact]
    public void SelfLoopIsACycle()
    {
        var m = Small();
        m.Graph.Nodes[1] = new Node("Add", ["a", "y"], ["y"], "self");
        var e = LoadFails(m);
        Assert.Contains("self", e.Message);
    }

    [Fact]
    public void ReadingAValueNobodyProducesNamesNodeAndValue()
    {
        var m = Small();
        m.Graph.Nodes[1] = new Node("Add", ["a", "ghost"], ["y"], "haunted");
        var e = LoadFails(m);
        Assert.Contains("haunted", e.Message);
        Assert.Contains("ghost", e.Message);
    }

    [Fact]
    public void SubgraphMayReadOuterValuesButNotMissingOnes()
    {
        var body = new Axon.Graph.Graph { Name = "then" };
        body.Outputs.Add(new ValueInfo("t", TypeInfo.Tensor(DType.Float32)));
        body.Nodes.Add(new Node("Relu", ["a"], ["t"], "inner"));
        var els = new Axon.Graph.Graph { Name = "else" };
        els.Outputs.Add(new ValueInfo("a", TypeInfo.Tensor(DType.Float32)));   // passes an outer value through
        var m = Small();
        m.Graph.Inputs.Add(new ValueInfo("c", TypeInfo.Tensor(DType.Bool)));
        m.Graph.Nodes[1] = new Node("If", ["c"], ["y"], "branch").SetAttr(Attr.Of("then_branch", body)).SetAttr(Attr.Of("else_branch", els));
        OnnxModel.Load(OnnxModel.ToBytes(m), null);

        body.Nodes[0].Inputs[0] = "nowhere";
        var e = LoadFails(m);
        Assert.Contains("inner", e.Message);
        Assert.Contains("nowhere", e.Message);
    }

    [Fact]
    public void ValueProducedTwiceNamesTheNode()
    {
        var m = Small();
        m.Graph.Nodes.Insert(1, new Node("Relu", ["x"], ["a"], "again"));
        var e = LoadFails(m);
        Assert.Contains("again", e.Message);
        Assert.Contains("'a'", e.Message);

        var m2 = Small();
        m2.Graph.Nodes[0] = new Node("Relu", ["x"], ["w"], "shadow");
        m2.Graph.Nodes[1] = new Node("Add", ["w", "w"], ["y"], "add");
        Assert.Contains("shadow", LoadFails(m2).Message);
    }

    [Fact]
    public void DuplicateInitializerNamesTheTensor()
    {
        var p = ModelExporter.ToProto(Small());
        p.Graph.Initializer.Add(p.Graph.Initializer[0].Clone());
        var e = LoadFails(p.ToByteArray());
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void OutputNeverProducedIsNamed()
    {
        var m = Small();
        m.Graph.Outputs.Add(new ValueInfo("phantom", TypeInfo.Unknown));
        Assert.Contains("phantom", LoadFails(m).Message);
    }

    [Fact]
    public void OverflowingDimsNameTheTensor()
    {
        var p = ModelExporter.ToProto(Small());
        var w = p.Graph.Initializer[0];
        w.Dims.Clear();
        w.Dims.AddRange([1L << 40, 1L << 40]);
        var e = LoadFails(p.ToByteArray());
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void DeclaredSizeBeyondBytesPresentNamesTheTensor()
    {
        var p = ModelExporter.ToProto(Small());
        var w = p.Graph.Initializer[0];
        w.Dims.Clear();
        w.Dims.AddRange([50_000, 40_000]); // 8 GB claimed, 8 bytes present: must fail before allocating.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = LoadFails(p.ToByteArray());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "must not allocate what the file does not hold");
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void AttributeTensorWithBadSizeNamesTheNode()
    {
        var m = Small();
        m.Graph.Nodes[0].SetAttr(Attr.Of("value", Tensor.FromArray(new float[] { 1, 2, 3 }, 3)));
        var p = ModelExporter.ToProto(m);
        p.Graph.Node[0].Attribute[0].T.Dims[0] = 4;
        var e = LoadFails(p.ToByteArray());
        Assert.Contains("relu", e.Message);
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("/etc/hostname")]
    [InlineData("link.bin")]
    [InlineData("linkdir/escape.bin")]
    public void ExternalDataEscapingTheModelFolderNamesTheTensor(string location)
    {
        using var tmp = new TestData.TempDir();
        string modelDir = tmp.File("model");
        Directory.CreateDirectory(modelDir);
        File.WriteAllBytes(tmp.File("escape.bin"), new byte[8]);
        File.CreateSymbolicLink(Path.Combine(modelDir, "link.bin"), tmp.File("escape.bin"));
        Directory.CreateSymbolicLink(Path.Combine(modelDir, "linkdir"), tmp.Path);
        var p = ModelExporter.ToProto(Small());
        var w = p.Graph.Initializer[0];
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        string path = Path.Combine(modelDir, "m.onnx");
        File.WriteAllBytes(path, p.ToByteArray());
        var e = Assert.ThrowsAny<AxonModelException>(() => OnnxModel.Load(path));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void RecursiveFunctionIsRejected()
    {
        var m = Small();
        m.OpsetImports["local"] = 1;
        m.Functions.Add(new Function { Name = "Loop", Domain = "local", Inputs = ["i"], Outputs = ["o"], Nodes = [new Node("Loop", ["i"], ["o"], "again", "local")] });
        m.Graph.Nodes[0] = new Node("Loop", ["x"], ["a"], "call", "local");
        Assert.Contains("call", LoadFails(m).Message);
    }

    [Fact]
    public void ExponentialFunctionExpansionIsCapped()
    {
        // F0 calls F1 four times, F1 calls F2 four times, ...: 4^20 nodes if inlined blindly.
        var m = Small();
        m.OpsetImports["local"] = 1;
        const int levels = 20;
        for (int i = 0; i < levels; i++)
        {
            var nodes = new List<Node>();
            string prev = "i";
            for (int k = 0; k < 4; k++)
            {
                string next = k == 3 ? "o" : $"t{k}";
                nodes.Add(i == levels - 1 ? new Node("Relu", [prev], [next]) : new Node($"F{i + 1}", [prev], [next], "", "local"));
                prev = next;
            }
            m.Functions.Add(new Function { Name = $"F{i}", Domain = "local", Inputs = ["i"], Outputs = ["o"], Nodes = nodes });
        }
        m.Graph.Nodes[0] = new Node("F0", ["x"], ["a"], "bomb", "local");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = LoadFails(m);
        Assert.True(sw.Elapsed.TotalSeconds < 10);
        Assert.Contains("bomb", e.Message);
    }

    [Fact]
    public void HugeSparseTensorIsRejectedBeforeDensifying()
    {
        var p = ModelExporter.ToProto(Small());
        var values = new TensorProto { Name = "sp", DataType = (int)DType.Float32, RawData = ByteString.CopyFrom(new byte[4]) };
        values.Dims.Add(1);
        var indices = new TensorProto { DataType = (int)DType.Int64 };
        indices.Dims.Add(1);
        indices.Int64Data.Add(0);
        var sp = new SparseTensorProto { Values = values, Indices = indices };
        sp.Dims.AddRange([60_000, 30_000]);
        p.Graph.SparseInitializer.Add(sp);
        Assert.Contains("'sp'", LoadFails(p.ToByteArray()).Message);
    }

    [Fact]
    public void DeeplyNestedSubgraphsAreRejected()
    {
        var g = new GraphProto { Name = "leaf" };
        for (int i = 0; i < 200; i++)
        {
            var n = new NodeProto { OpType = "If", Name = $"if{i}" };
            n.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = g });
            g = new GraphProto { Name = $"g{i}" };
            g.Node.Add(n);
        }
        var p = new ModelProto { IrVersion = 8, Graph = g };
        p.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        LoadFails(p.ToByteArray());
    }

    [Fact]
    public void DuplicateAttributeNamesTheNode()
    {
        var m = Small();
        m.Graph.Nodes[0].SetAttr(Attr.Of("alpha", 1L));
        var p = ModelExporter.ToProto(m);
        p.Graph.Node[0].Attribute.Add(p.Graph.Node[0].Attribute[0].Clone());
        var e = LoadFails(p.ToByteArray());
        Assert.Contains("relu", e.Message);
        Assert.Contains("alpha", e.Message);
    }

    [Fact]
    public void DeclaredInputShapeOverflowingInt64NamesTheValue()
    {
        var m = Small();
        m.Graph.Inputs[0] = new ValueInfo("x", TypeInfo.Tensor(DType.Float32, 1L << 40, 1L << 40));
        var e = LoadFails(m);
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void UnknownAttributeTypeNamesTheNode()
    {
        var p = ModelExporter.ToProto(Small());
        p.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "odd", Type = (AttributeProto.Types.AttributeType)77 });
        var e = LoadFails(p.ToByteArray());
        Assert.Contains("relu", e.Message);
        Assert.Contains("odd", e.Message);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    [InlineData("/nonexistent/model.onnx")]
    [InlineData("/tmp")]
    public void UnreadableOrEndlessModelPathsAreModelErrors(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.ThrowsAny<AxonModelException>(() => OnnxModel.Load(path));
    }

    [Fact]
    public void ValidatorAcceptsAHandBuiltModelWithSubgraphsAndFunctions() => Validation.ModelValidator.Validate(RoundTripTests.RichModel());
}
