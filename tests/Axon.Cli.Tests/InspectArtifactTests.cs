using System.Text.Json;

namespace Axon.Cli.Tests;

public sealed class InspectArtifactTests
{
    private static string Conv => Path.Combine(CliHarness.OnnxTests, "pytorch-converted", "test_Conv2d", "model.onnx");

    /// <summary>y = Tanh(Relu(x[batch,4]·w + b) · s): a fused MatMul epilogue and an elementwise chain at -O3.</summary>
    private static string Mlp(TempDir tmp)
    {
        var g = new Axon.Graph.Graph { Name = "mlp" };
        var batch = new SymShape([Dim.Sym("batch"), Dim.Known(3)]);
        g.Inputs.Add(new Axon.Graph.ValueInfo("x", Axon.Graph.TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(4)]))));
        g.Outputs.Add(new Axon.Graph.ValueInfo("y", Axon.Graph.TypeInfo.Tensor(DType.Float32, batch)));
        g.Initializers["w"] = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 4, 3);
        g.Initializers["b"] = Tensor.FromArray(new float[] { 0.1f, -0.2f, 0.3f }, 3);
        g.Initializers["s"] = Tensor.FromArray(new float[] { 0.5f }, 1);
        g.Nodes.Add(new Axon.Graph.Node("MatMul", ["x", "w"], ["m"], "mm"));
        g.Nodes.Add(new Axon.Graph.Node("Add", ["m", "b"], ["a"], "bias"));
        g.Nodes.Add(new Axon.Graph.Node("Relu", ["a"], ["r"], "relu"));
        g.Nodes.Add(new Axon.Graph.Node("Mul", ["r", "s"], ["q"], "scale"));
        g.Nodes.Add(new Axon.Graph.Node("Tanh", ["q"], ["y"], "tanh"));
        var m = new Axon.Graph.Model(g) { IrVersion = 9 };
        m.OpsetImports[""] = 17;
        string path = tmp.File("mlp.onnx");
        Axon.Onnx.OnnxModel.Save(m, path);
        return path;
    }

    [Fact]
    public void JsonCarriesTheCompileFacts()
    {
        using var tmp = new TempDir();
        string artifact = tmp.File("mlp.axon");
        var c = CliHarness.Run("compile", Mlp(tmp), "-o", artifact, "-O", "3", "--batch-sizes", "1,2");
        Assert.True(c.Code == 0, c.Err);
        var (code, stdout, stderr) = CliHarness.Run("inspect", artifact, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal(5, r.GetProperty("nodes_before").GetInt32());
        Assert.Equal(2, r.GetProperty("nodes_after").GetInt32());
        Assert.Equal(1, r.GetProperty("op_histogram").GetProperty("axon:FusedMatMul").GetInt32());
        Assert.Equal(1, r.GetProperty("op_histogram").GetProperty("axon:FusedElementwise").GetInt32());
        Assert.Equal(2, r.GetProperty("fused_groups").GetArrayLength());
        long peak = r.GetProperty("peak_activation_bytes").GetInt64(), naive = r.GetProperty("naive_activation_bytes").GetInt64();
        Assert.True(peak <= naive, $"{peak} > {naive}");
        Assert.True(r.GetProperty("flops").GetInt64() > 0);
        var profiles = r.GetProperty("profiles");
        Assert.Equal(2, profiles.GetArrayLength());
        var node = profiles[1].GetProperty("nodes")[0];
        Assert.Equal("float", node.GetProperty("precision").GetString());
        Assert.Equal(2 * profiles[0].GetProperty("flops").GetInt64(), profiles[1].GetProperty("flops").GetInt64()); // batch 2 = twice batch 1
        Assert.True(node.GetProperty("bytes").GetInt64() > 0);
    }

    [Fact]
    public void TextShowsOpsBeforeAfterAndTheMemoryPlan()
    {
        using var tmp = new TempDir();
        string artifact = tmp.File("mlp.axon");
        Assert.Equal(0, CliHarness.Run("compile", Mlp(tmp), "-o", artifact, "-O", "3", "--batch-sizes", "8").Code);
        var (code, stdout, stderr) = CliHarness.Run("inspect", artifact);
        Assert.True(code == 0, stderr);
        Assert.Contains("nodes:        5 -> 2", stdout);
        Assert.Contains("fused groups: 2", stdout);
        Assert.Contains("program: Mul x0 x1; Tanh t0", stdout);
        Assert.Contains("activation=Relu", stdout);
        Assert.Contains("profile x=8x4:", stdout);
        Assert.Contains("memory plan:", stdout);
        Assert.Matches(@"\n\s+MatMul\s+1\s+0\r?\n", stdout);   // before 1, after 0 (became axon:FusedMatMul)
        Assert.Contains("precision", stdout);
    }

    [Fact]
    public void JsonOnAnOnnxModelIsAUsageError() =>
        Assert.Equal(2, CliHarness.Run("inspect", Conv, "--json").Code);

    [Fact]
    public void EveryUnsupportedOperatorIsReportedAtOnce()
    {
        using var tmp = new TempDir();
        var g = new Axon.Graph.Graph { Name = "bad" };
        g.Inputs.Add(new Axon.Graph.ValueInfo("x", Axon.Graph.TypeInfo.Tensor(DType.Float32, [2])));
        g.Outputs.Add(new Axon.Graph.ValueInfo("z", Axon.Graph.TypeInfo.Tensor(DType.Float32, [2])));
        g.Nodes.Add(new Axon.Graph.Node("Frobnicate", ["x"], ["y"], "first"));
        g.Nodes.Add(new Axon.Graph.Node("Relu", ["y"], ["r"], "fine"));
        g.Nodes.Add(new Axon.Graph.Node("Twiddle", ["r"], ["z"], "second"));
        var m = new Axon.Graph.Model(g) { IrVersion = 9 };
        m.OpsetImports[""] = 17;
        Axon.Onnx.OnnxModel.Save(m, tmp.File("bad.onnx"));
        var (code, _, stderr) = CliHarness.Run("compile", tmp.File("bad.onnx"), "-o", tmp.File("bad.axon"));
        Assert.Equal(1, code);
        Assert.Contains("AXC030", stderr);
        Assert.Contains("2 unsupported", stderr);
        Assert.Contains("node 'first': Frobnicate at opset 17", stderr);
        Assert.Contains("node 'second': Twiddle at opset 17", stderr);
        Assert.False(File.Exists(tmp.File("bad.axon")));
    }

    [Fact]
    public void ListOperatorsPrintsOpsetRanges()
    {
        var (code, stdout, _) = CliHarness.Run("compile", "--list-operators");
        Assert.Equal(0, code);
        Assert.Matches(@"\nAdd\s+1-28\s+fast kernel \+ reference", stdout);
        Assert.Matches(@"\nGelu\s+20-28\s", stdout);
        Assert.Matches(@"\naxon:FusedElementwise\s+1\s+fast kernel", stdout);
    }

    [Fact]
    public void CompileReportsEachPassWithItsTime()
    {
        using var tmp = new TempDir();
        var (code, _, stderr) = CliHarness.Run("compile", Conv, "-o", tmp.File("c.axon"), "-O", "3");
        Assert.True(code == 0, stderr);
        Assert.Matches(@"fuse-elementwise\s+\d+\.\d\d ms", stderr);
        Assert.Matches(@"plan 0=2x3x7x5\s+\d+\.\d\d ms", stderr);
    }
}
