using Axon.Graph;

namespace Axon.Onnx.Tests;

/// <summary>Load → save → load must give a structurally identical IR for every model in the backend test suites.</summary>
public class RoundTripTests
{
    [Fact]
    public void EveryTestSuiteModelRoundTrips()
    {
        var models = TestData.Models("simple", "node", "pytorch-converted", "pytorch-operator");
        var failures = new List<string>();
        foreach (var path in models)
        {
            var original = OnnxModel.Load(path);
            var bytes = OnnxModel.ToBytes(original);
            var reloaded = OnnxModel.Load(bytes, Path.GetDirectoryName(path));
            var d = IrDiff.Diff(original, reloaded);
            if (d is not null)
            {
                failures.Add($"{path}: {d}");
                continue;
            }
            // Exporting the reloaded model must give the same bytes: export is deterministic and loses nothing.
            if (!bytes.AsSpan().SequenceEqual(OnnxModel.ToBytes(reloaded)))
            {
                failures.Add($"{path}: second export differs from the first");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {models.Count} models changed:\n" + string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void HandBuiltModelWithEveryAttributeKindRoundTrips()
    {
        var model = RichModel();
        var reloaded = OnnxModel.Load(OnnxModel.ToBytes(model), null);
        IrDiff.AssertEqual(model, reloaded);
    }

    [Fact]
    public void SaveWritesLargeInitializersToExternalData()
    {
        using var tmp = new TestData.TempDir();
        var model = RichModel();
        var big = Tensor.FromArray(Enumerable.Range(0, 1000).Select(i => (float)i).ToArray(), 10, 100);
        model.Graph.Initializers["big"] = big;
        model.Graph.Initializers["small"] = Tensor.FromArray(new float[] { 1, 2 }, 2);
        string path = tmp.File("m.onnx");
        OnnxModel.Save(model, path, new SaveOptions { ExternalDataThreshold = 1024, ExternalDataFile = "weights.bin" });

        Assert.True(File.Exists(tmp.File("weights.bin")));
        Assert.True(new FileInfo(tmp.File("weights.bin")).Length >= 4000);
        Assert.True(new FileInfo(path).Length < 4000, "the big tensor must not be inside the model file");
        IrDiff.AssertEqual(model, OnnxModel.Load(path));
    }

    [Fact]
    public void SaveDefaultsExternalFileNameAndRejectsEscapingDataPaths()
    {
        using var tmp = new TestData.TempDir();
        var model = RichModel();
        model.Graph.Initializers["big"] = Tensor.Create(DType.Float64, 300);
        string path = tmp.File("net.onnx");
        OnnxModel.Save(model, path, new SaveOptions { ExternalDataThreshold = 100 });
        Assert.True(File.Exists(tmp.File("net.onnx.data")));
        IrDiff.AssertEqual(model, OnnxModel.Load(path));

        Assert.Throws<AxonInputException>(() => OnnxModel.Save(model, path, new SaveOptions { ExternalDataThreshold = 1, ExternalDataFile = "../x.data" }));
        Assert.Throws<AxonInputException>(() => OnnxModel.Save(model, path, new SaveOptions { ExternalDataThreshold = 1, ExternalDataFile = "/tmp/x.data" }));
    }

    [Fact]
    public void ExternalDataMayLiveInASubfolder()
    {
        using var tmp = new TestData.TempDir();
        var model = RichModel();
        model.Graph.Initializers["big"] = Tensor.Create(DType.Int64, 64);
        string path = tmp.File("m.onnx");
        OnnxModel.Save(model, path, new SaveOptions { ExternalDataThreshold = 256, ExternalDataFile = "weights/w.bin" });
        Assert.True(File.Exists(tmp.File("weights/w.bin")));
        IrDiff.AssertEqual(model, OnnxModel.Load(path));
    }

    [Fact]
    public void SaveIntoAMissingFolderIsAnInputError()
    {
        using var tmp = new TestData.TempDir();
        Assert.Throws<AxonInputException>(() => OnnxModel.Save(RichModel(), tmp.File("no/such/dir/m.onnx")));
    }

    [Fact]
    public void SaveWithoutOptionsKeepsEverythingInline()
    {
        using var tmp = new TestData.TempDir();
        var model = RichModel();
        string path = tmp.File("m.onnx");
        OnnxModel.Save(model, path);
        Assert.Single(Directory.GetFiles(tmp.Path));
        IrDiff.AssertEqual(model, OnnxModel.Load(path));
    }

    /// <summary>A model using every attribute kind, symbolic and unknown dims, sequences/optionals/maps, strings, int4 and a function.</summary>
    internal static Model RichModel()
    {
        var then = new Axon.Graph.Graph { Name = "then" };
        then.Outputs.Add(new ValueInfo("t_out", TypeInfo.Tensor(DType.Float32, SymShape.UnknownRank)));
        then.Nodes.Add(new Node("Identity", ["x"], ["t_out"], "then_id"));
        var els = new Axon.Graph.Graph { Name = "else" };
        els.Outputs.Add(new ValueInfo("e_out", TypeInfo.Tensor(DType.Float32, SymShape.UnknownRank)));
        els.Initializers["e_c"] = Tensor.FromArray(new float[] { 3 }, 1);
        els.Nodes.Add(new Node("Add", ["x", "e_c"], ["e_out"], "else_add"));

        var g = new Axon.Graph.Graph { Name = "main", DocString = "doc" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(3), Dim.Unknown]))) { DocString = "the input" });
        g.Inputs.Add(new ValueInfo("cond", TypeInfo.Tensor(DType.Bool)));
        g.Inputs.Add(new ValueInfo("s", TypeInfo.Sequence(TypeInfo.Tensor(DType.Int64, SymShape.UnknownRank))));
        g.Inputs.Add(new ValueInfo("o", TypeInfo.Optional(TypeInfo.Tensor(DType.String, 2))));
        g.Inputs.Add(new ValueInfo("m", new TypeInfo { Kind = TypeKind.Map, KeyType = DType.Int64, Element = TypeInfo.Tensor(DType.Float32) }));
        g.Initializers["w"] = Tensor.FromArray(new float[] { 1, -2, float.NaN }, 3);
        g.Initializers["names"] = Tensor.FromStrings(["a", "", "héllo"], 3);
        g.Initializers["q"] = Tensor.FromInt64s(DType.Int4, new long[] { -8, 7, 1 }, 3);
        g.Initializers["u"] = Tensor.FromInt64s(DType.UInt4, new long[] { 15, 0, 9, 2 }, 2, 2);
        g.Initializers["h"] = Tensor.FromDoubles(DType.Float16, [0.5, -1], 2);
        g.Initializers["scalar"] = Tensor.Scalar(42L);
        g.Initializers["empty"] = Tensor.Create(DType.Int32, 0, 4);
        g.ValueInfos["y"] = new ValueInfo("y", TypeInfo.Tensor(DType.Float32, SymShape.UnknownRank));
        var n = new Node("If", ["cond"], ["y"], "branch") { DocString = "if node" };
        n.SetAttr(Attr.Of("then_branch", then)).SetAttr(Attr.Of("else_branch", els));
        g.Nodes.Add(n);
        var k = new Node("Custom", ["y", "", "w"], ["z", ""], "kinds", "com.example");
        k.SetAttr(Attr.Of("f", 1.5f)).SetAttr(Attr.Of("i", -7L)).SetAttr(Attr.Of("s", "text"))
            .SetAttr(Attr.Of("t", Tensor.FromArray(new int[] { 1, 2 }, 2)))
            .SetAttr(Attr.Of("fs", new[] { 1f, float.NegativeInfinity })).SetAttr(Attr.Of("is", new[] { 1L, long.MinValue }))
            .SetAttr(Attr.Of("ss", new[] { "a", "b" }))
            .SetAttr(new Attr("ts", AttrKind.Tensors) { Tensors = [Tensor.Scalar(1.0), Tensor.FromStrings(["x"], 1)] })
            .SetAttr(new Attr("gs", AttrKind.Graphs) { Graphs = [then] })
            .SetAttr(new Attr("tp", AttrKind.TypeProto) { Type = TypeInfo.Tensor(DType.BFloat16, 2, 2) })
            .SetAttr(new Attr("tps", AttrKind.TypeProtos) { Types = [TypeInfo.Sequence(TypeInfo.Tensor(DType.Int8)), TypeInfo.Unknown] })
            .SetAttr(new Attr("bytes", AttrKind.String) { S = [0xff, 0x00, 0x80], DocString = "raw bytes" });
        g.Nodes.Add(k);
        g.Outputs.Add(new ValueInfo("z", TypeInfo.Tensor(DType.Float32, 3)));

        var model = new Model(g)
        {
            IrVersion = 10,
            ProducerName = "axon-test",
            ProducerVersion = "1.0",
            Domain = "org.example",
            ModelVersion = 7,
            DocString = "model doc",
        };
        model.OpsetImports[""] = 21;
        model.OpsetImports["com.example"] = 1;
        model.OpsetImports["local"] = 1;
        model.Metadata["author"] = "me";
        var f = new Function
        {
            Name = "Scale",
            Domain = "local",
            Inputs = ["a"],
            Outputs = ["b"],
            AttributeNames = ["alpha", "beta"],
            Nodes = [new Node("Mul", ["a", "a"], ["b"], "mul").SetAttr(new Attr("alpha", AttrKind.Float) { RefAttrName = "alpha" })],
            DocString = "fn",
        };
        f.AttributeDefaults["beta"] = Attr.Of("beta", 2.0f);
        f.OpsetImports[""] = 21;
        model.Functions.Add(f);
        return model;
    }
}
