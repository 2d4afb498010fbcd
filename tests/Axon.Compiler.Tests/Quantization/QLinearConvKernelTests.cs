using Axon.Compiler.Planning;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>The INT8 convolution and the standalone Q/DQ kernels, exactly equal to the reference ops on awkward shapes.</summary>
public class QLinearConvKernelTests
{
    internal static Tensor Bytes(DType t, int seed, int[] shape, int lo = 0, int hi = 256)
    {
        var r = new Random(seed);
        int n = shape.Aggregate(1, (p, v) => p * v);
        return t == DType.UInt8
            ? Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (byte)r.Next(lo, hi)).ToArray(), shape)
            : Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(lo - 128, hi - 128)).ToArray(), shape);
    }

    private static Tensor One(DType t, long v) => t == DType.UInt8 ? Tensor.FromArray(new[] { (byte)v }, Array.Empty<int>()) : Tensor.FromArray(new[] { (sbyte)v }, Array.Empty<int>());

    /// <summary>Runs the single step's kernel on the inputs and asserts it equals the reference executor bit for bit.</summary>
    internal static string KernelEqualsReference(Model model, Dictionary<string, IValue?> feeds, string expectKernel)
    {
        var expected = (Tensor)Run(model, feeds)[0].Value!;
        var plan = PlanBuilder.Build(model, feeds.ToDictionary(kv => kv.Key, kv => ((Tensor)kv.Value!).Shape));
        var step = Assert.Single(plan.Steps);
        Assert.NotNull(step.Kernel);
        Assert.StartsWith(expectKernel, step.KernelName);
        var ins = step.Node.Inputs.Select(i => i.Length == 0 ? null : model.Graph.Initializers.TryGetValue(i, out var c) ? c : (Tensor)feeds[i]!).ToArray();
        var y = Tensor.Create(expected.DType, expected.Shape);
        step.Kernel!.Execute(ins, [y], WorkerPool.Inline);
        Assert.Equal(expected.ToDoubles(), y.ToDoubles());
        return step.KernelName;
    }

    // (N, C, H, W, K, kernel, stride, pad, group, x type, w type, per-channel w)
    [Theory]
    [InlineData(1, 3, 17, 17, 17, 3, 1, 1, 1, DType.UInt8, DType.Int8, true)]
    [InlineData(2, 17, 5, 7, 3, 1, 1, 0, 1, DType.Int8, DType.UInt8, false)]
    [InlineData(1, 1, 1, 1, 1, 1, 1, 0, 1, DType.UInt8, DType.Int8, false)]
    [InlineData(1, 129, 3, 3, 1, 3, 2, 1, 1, DType.UInt8, DType.Int8, true)]
    [InlineData(1, 17, 9, 9, 17, 3, 2, 1, 17, DType.UInt8, DType.Int8, true)]
    [InlineData(1, 6, 8, 5, 9, 3, 1, 2, 3, DType.Int8, DType.Int8, true)]
    public void QLinearConvMatchesTheReference(int n, int c, int h, int w, int k, int ks, int stride, int pad, int group, DType xt, DType wt, bool perChannel)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(xt, n, c, h, w)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.UInt8, SymShape.UnknownRank)));
        int kc = perChannel ? k : 1;
        g.Initializers["xs"] = Scalar(0.02f);
        g.Initializers["xz"] = One(xt, xt == DType.UInt8 ? 113 : -9);
        g.Initializers["w"] = Bytes(wt, 5, [k, c / group, ks, ks]);
        g.Initializers["ws"] = perChannel ? Tensor.FromArray(Enumerable.Range(0, k).Select(j => 0.003f + 0.0007f * j).ToArray(), k) : Scalar(0.004f);
        g.Initializers["wz"] = wt == DType.UInt8
            ? Tensor.FromArray(Enumerable.Range(0, kc).Select(j => (byte)(120 + 3 * j % 17)).ToArray(), perChannel ? [k] : [])
            : Tensor.FromArray(new sbyte[kc], perChannel ? [k] : []);
        g.Initializers["ys"] = Scalar(0.9f);
        g.Initializers["yz"] = One(DType.UInt8, 100);
        g.Initializers["b"] = Tensor.FromArray(Enumerable.Range(0, k).Select(j => (j * 977 % 4001) - 2000).ToArray(), k);
        g.Nodes.Add(N("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], "y",
            Attr.Of("kernel_shape", new long[] { ks, ks }), Attr.Of("strides", new long[] { stride, stride }),
            Attr.Of("pads", new long[] { pad, pad, pad, pad }), Attr.Of("group", (long)group)));
        KernelEqualsReference(Model(g, 21), new Dictionary<string, IValue?> { ["x"] = Bytes(xt, 3, [n, c, h, w]) }, "qconv.");
    }

    /// <summary>
    /// The <c>vpmaddubsw</c> worst case: every activation 255 against weights -128 (and 127), whose adjacent pairs
    /// (255·-128·2 = -65280) overflow int16. ConvInteger's int32 output must be exact, so the split path must have run.
    /// </summary>
    [Theory]
    [InlineData(-128)]
    [InlineData(127)]
    public void SaturationWorstCaseIsExact(int weight)
    {
        const int C = 17, K = 3;
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.UInt8, 1, C, 4, 4)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Int32, SymShape.UnknownRank)));
        g.Initializers["w"] = Tensor.FromArray(Enumerable.Repeat((sbyte)weight, K * C * 9).ToArray(), K, C, 3, 3);
        g.Nodes.Add(N("ConvInteger", ["x", "w"], "y", Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
        var x = Tensor.FromArray(Enumerable.Repeat((byte)255, C * 16).ToArray(), 1, C, 4, 4);
        string name = KernelEqualsReference(Model(g, 21), new Dictionary<string, IValue?> { ["x"] = x }, "qconv.");
        Assert.Contains(".split", name);
        var y = (Tensor)Run(Model(g, 21), new Dictionary<string, IValue?> { ["x"] = x })[0].Value!;
        // The centre pixels see the whole 3×3×C window.
        Assert.Equal(255L * weight * C * 9, y.ToInt64s()[5]);
    }

    [Theory]
    [InlineData(DType.UInt8, false, 129)]
    [InlineData(DType.Int8, true, 17)]
    [InlineData(DType.UInt8, true, 3)]
    public void QuantizeAndDequantizeMatchTheReference(DType t, bool perAxis, int length)
    {
        int ch = perAxis ? 3 : 1;
        var scale = perAxis ? Tensor.FromArray(new[] { 0.05f, 0.013f, 1.7f }, 3) : Scalar(0.021f);
        var zero = t == DType.UInt8
            ? Tensor.FromArray(perAxis ? new byte[] { 0, 128, 255 } : new byte[] { 77 }, perAxis ? [3] : [])
            : Tensor.FromArray(perAxis ? new sbyte[] { -128, 0, 127 } : new sbyte[] { 5 }, perAxis ? [3] : []);
        var q = new Axon.Graph.Graph();
        q.Inputs.Add(F32("x", 2, ch, length));
        q.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(t, 2, ch, length)));
        q.Initializers["s"] = scale;
        q.Initializers["z"] = zero;
        q.Nodes.Add(N("QuantizeLinear", ["x", "s", "z"], "y", Attr.Of("axis", 1L)));
        var x = Random(4, 2, ch, length);
        var xs = x.Span<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            // Spread over and beyond the 8-bit range, with exact .5 ties and a NaN.
            xs[i] = i % 11 == 0 ? (i % 2 == 0 ? 0.5f : -2.5f) * 0.021f : xs[i] * 300 * 0.021f;
        }
        xs[1] = float.NaN;
        KernelEqualsReference(Model(q, 21), new Dictionary<string, IValue?> { ["x"] = x }, "quantize.");

        var d = new Axon.Graph.Graph();
        d.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(t, 2, ch, length)));
        d.Outputs.Add(F32("y", 2, ch, length));
        d.Initializers["s"] = scale;
        d.Initializers["z"] = zero;
        d.Nodes.Add(N("DequantizeLinear", ["x", "s", "z"], "y", Attr.Of("axis", 1L)));
        KernelEqualsReference(Model(d, 21), new Dictionary<string, IValue?> { ["x"] = Bytes(t, 8, [2, ch, length]) }, "dequantize.");
    }

    [Fact]
    public void DynamicQuantizeLinearMatchesTheReference()
    {
        foreach (var (seed, scale) in new[] { (1, 3f), (2, 0f), (3, -0.01f) })
        {
            var g = new Axon.Graph.Graph();
            g.Inputs.Add(F32("x", 3, 43));
            g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.UInt8, 3, 43)));
            g.Outputs.Add(F32("s"));
            g.Outputs.Add(new ValueInfo("z", TypeInfo.Tensor(DType.UInt8)));
            g.Nodes.Add(N("DynamicQuantizeLinear", ["x"], ["y", "s", "z"]));
            var model = Model(g, 21);
            var x = Random(seed, 3, 43);
            var xs = x.Span<float>();
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = scale < 0 ? -Math.Abs(xs[i]) : xs[i] * scale;
            }
            var feeds = new Dictionary<string, IValue?> { ["x"] = x };
            var expected = Run(model, feeds);
            var plan = PlanBuilder.Build(model, new Dictionary<string, int[]> { ["x"] = [3, 43] });
            var step = Assert.Single(plan.Steps);
            Assert.Equal("dynamic-quantize.u8", step.KernelName);
            var outs = new[] { Tensor.Create(DType.UInt8, 3, 43), Tensor.Create(DType.Float32), Tensor.Create(DType.UInt8) };
            step.Kernel!.Execute([x], outs, WorkerPool.Inline);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(((Tensor)expected[k].Value!).ToDoubles(), outs[k].ToDoubles());
            }
        }
    }
}
