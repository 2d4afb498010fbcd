using Axon.Graph;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

/// <summary>The compiled path's fast gradient kernels (conv im2col/col2im, max-pool routing) against the reference ops, float32.</summary>
public sealed class FastKernelGradTests
{
    [Theory]
    [InlineData(1, 0, 1, 1, 2, 0)]
    [InlineData(2, 1, 1, 1, 3, 1)]
    [InlineData(1, 2, 2, 1, 2, 0)]
    [InlineData(2, 1, 1, 2, 3, 1)]
    [InlineData(3, 0, 1, 1, 2, 0)]
    public void Conv_and_maxpool_gradients_agree_between_compiled_and_reference(int stride, int pad, int dilation, int group, int pool, int poolPad)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, 3, 4, 11, 9)));
        g.Initializers["w0"] = GradCheck.Random(1, DType.Float32, 4, 4, 1, 1);
        g.Initializers["w"] = GradCheck.Random(2, DType.Float32, 6, 4 / group, 3, 3);
        g.Initializers["b"] = GradCheck.Random(3, DType.Float32, 6);
        g.Nodes.Add(new Node("Conv", ["x", "w0"], ["x1"]));
        var conv = new Node("Conv", ["x1", "w", "b"], ["c"]);
        conv.SetAttr(Attr.Of("strides", new long[] { stride, stride })).SetAttr(Attr.Of("pads", new long[] { pad, pad, pad, pad }))
            .SetAttr(Attr.Of("dilations", new long[] { dilation, dilation })).SetAttr(Attr.Of("group", (long)group));
        g.Nodes.Add(conv);
        g.Nodes.Add(new Node("Relu", ["c"], ["r"]));
        var mp = new Node("MaxPool", ["r"], ["y"]);
        mp.SetAttr(Attr.Of("kernel_shape", new long[] { pool, pool })).SetAttr(Attr.Of("strides", new long[] { 2, 2 }))
            .SetAttr(Attr.Of("pads", new long[] { poolPad, poolPad, poolPad, poolPad }));
        g.Nodes.Add(mp);
        var rs = new Node("ReduceSum", ["y"], ["s"]);
        g.Nodes.Add(rs);
        g.Nodes.Add(new Node("Mul", ["s", "s"], ["loss"]));
        g.Outputs.Add(new ValueInfo("loss", TypeInfo.Unknown));
        var tg = Axon.Training.Autograd.Build(g, "loss");
        var data = new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(4, DType.Float32, 3, 4, 11, 9) };
        var reference = GradCheck.RunTraining(tg, data);
        var compiled = GradCheck.RunCompiled(tg, data);
        foreach (var p in tg.Parameters)
        {
            var r = reference[tg.GradientOf[p]].ToArray<float>();
            var c = compiled[tg.GradientOf[p]].ToArray<float>();
            double scale = r.Max(v => Math.Abs(v)) + 1e-6;
            for (int i = 0; i < r.Length; i++)
            {
                Assert.True(Math.Abs(r[i] - c[i]) <= 2e-4 * scale, $"{p}[{i}]: reference {r[i]}, compiled {c[i]}");
            }
        }
    }
}

public sealed class FastBatchNormTests
{
    [Fact]
    public void BatchNorm_training_forward_state_and_gradients_agree_between_compiled_and_reference()
    {
        var model = new Sequential(new Conv2d(2, 5, 3, padding: 1), new BatchNorm2d(5), new ReLU(), new Flatten(), new Linear(5 * 6 * 6, 3));
        var tg = model.BuildTraining(["batch", 2, 6, 6], seed: 4);
        var data = new Dictionary<string, Tensor>
        {
            ["input"] = GradCheck.Random(7, DType.Float32, 4, 2, 6, 6),
            ["labels"] = Tensor.FromArray(new long[] { 2, 0, 1, 2 }),
        };
        var reference = GradCheck.RunTraining(tg, data);
        var compiled = GradCheck.RunCompiled(tg, data);
        foreach (var name in tg.GradientOf.Values.Concat(tg.StateOutputs).Append(tg.LossOutput))
        {
            var r = reference[name].ToArray<float>();
            var c = compiled[name].ToArray<float>();
            double scale = r.Max(v => Math.Abs(v)) + 1e-6;
            for (int i = 0; i < r.Length; i++)
            {
                Assert.True(Math.Abs(r[i] - c[i]) <= 2e-4 * scale + 1e-6, $"{name}[{i}]: reference {r[i]}, compiled {c[i]}");
            }
        }
    }
}
