using Axon.Compiler.Planning;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>Pre-quantized ONNX products with constant weights on the INT8 kernel, exactly equal to the reference ops.</summary>
public class QLinearMatMulKernelTests
{
    private static Tensor Bytes(DType t, int seed, params int[] shape)
    {
        var r = new Random(seed);
        int n = shape.Aggregate(1, (p, v) => p * v);
        return t == DType.UInt8
            ? Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (byte)r.Next(256)).ToArray(), shape)
            : Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-128, 128)).ToArray(), shape);
    }

    private static void KernelEqualsReference(Model model, Dictionary<string, IValue?> feeds, string expectKernel)
    {
        var expected = (Tensor)Run(model, feeds)[0].Value!;
        var plan = PlanBuilder.Build(model, feeds.ToDictionary(kv => kv.Key, kv => ((Tensor)kv.Value!).Shape));
        var step = Assert.Single(plan.Steps);
        Assert.StartsWith(expectKernel, step.KernelName);
        var ins = step.Node.Inputs.Select(i => i.Length == 0 ? null : model.Graph.Initializers.TryGetValue(i, out var c) ? c : (Tensor)feeds[i]!).ToArray();
        var y = Tensor.Create(expected.DType, expected.Shape);
        step.Kernel!.Execute(ins, [y], WorkerPool.Inline);
        Assert.Equal(expected.ToInt64s(), y.ToInt64s());
    }

    [Theory]
    [InlineData(DType.UInt8, DType.Int8, DType.UInt8)]
    [InlineData(DType.Int8, DType.UInt8, DType.Int8)]
    public void QLinearMatMulMatchesTheReference(DType aType, DType bType, DType yType)
    {
        int m = 5, k = 37, n = 19;
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("a", TypeInfo.Tensor(aType, m, k)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(yType, m, n)));
        g.Initializers["as"] = Tensor.FromArray(new[] { 0.02f }, Array.Empty<int>());
        g.Initializers["az"] = aType == DType.UInt8 ? Tensor.FromArray(new byte[] { 120 }, Array.Empty<int>()) : Tensor.FromArray(new sbyte[] { -7 }, Array.Empty<int>());
        g.Initializers["b"] = Bytes(bType, 2, k, n);
        g.Initializers["bs"] = Tensor.FromArray(Enumerable.Range(0, n).Select(j => 0.01f + j * 0.001f).ToArray(), n);
        g.Initializers["bz"] = bType == DType.UInt8 ? Tensor.FromArray(Enumerable.Range(0, n).Select(j => (byte)(120 + j)).ToArray(), n) : Tensor.FromArray(new sbyte[n], n);
        g.Initializers["ys"] = Tensor.FromArray(new[] { 0.05f }, Array.Empty<int>());
        g.Initializers["yz"] = yType == DType.UInt8 ? Tensor.FromArray(new byte[] { 128 }, Array.Empty<int>()) : Tensor.FromArray(new sbyte[] { 3 }, Array.Empty<int>());
        g.Nodes.Add(N("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], "y"));
        KernelEqualsReference(Model(g, 21), new Dictionary<string, IValue?> { ["a"] = Bytes(aType, 1, m, k) }, "qgemm.");
    }

    [Fact]
    public void MatMulIntegerMatchesTheReference()
    {
        int m = 17, k = 129, n = 3;
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("a", TypeInfo.Tensor(DType.UInt8, m, k)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Int32, m, n)));
        g.Initializers["b"] = Bytes(DType.UInt8, 4, k, n);
        g.Initializers["az"] = Tensor.FromArray(new byte[] { 131 }, Array.Empty<int>());
        g.Initializers["bz"] = Tensor.FromArray(new byte[] { 7, 250, 128 }, n);
        g.Nodes.Add(N("MatMulInteger", ["a", "b", "az", "bz"], "y"));
        KernelEqualsReference(Model(g, 21), new Dictionary<string, IValue?> { ["a"] = Bytes(DType.UInt8, 3, m, k) }, "qgemm.");
    }
}
