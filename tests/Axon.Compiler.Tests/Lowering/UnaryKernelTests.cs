using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Lowering;

/// <summary>
/// The unary kernels split large tensors over the pool: the result must be bit-identical for 1, 2 and 3 threads (chunks
/// cut at multiples of 8, so each element takes the same vector or tail path), in and out of place, and match the
/// reference executor; sizes straddle the split threshold (2^17) and are not multiples of 8.
/// </summary>
public class UnaryKernelTests
{
    [Theory]
    [InlineData("Exp", 131_075)]
    [InlineData("Exp", 300_001)]
    [InlineData("Sigmoid", 262_151)]
    [InlineData("Relu", 131_072)]
    [InlineData("Exp", 1_001)]
    public void ThreadCountDoesNotChangeResults(string op, int n)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", (long)n));
        g.Outputs.Add(F32("y", (long)n));
        var node = new Node(op, ["x"], ["y"], "u");
        g.Nodes.Add(node);
        var m = Model(g);
        var inputs = Inputs(m, 5);
        var x = (Tensor)inputs["x"]!;
        var xs = x.ToArray<float>();
        for (int i = 0; i < xs.Length; i += 97)
        {
            xs[i] = xs[i] * 60 - 30; // a wider spread for Exp, still finite
        }
        x = Tensor.FromArray(xs, [n]);
        inputs["x"] = x;
        var expected = Assert.IsType<Tensor>(Run(m, inputs)[0].Value).ToArray<float>();
        var kernel = KernelRegistry.Select(new KernelRequest(node, 21, [g.Inputs[0].Type], [g.Outputs[0].Type], [null]));
        Assert.NotNull(kernel);
        Assert.StartsWith("unary.", kernel.Name);

        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new WorkerPool(threads);
            var y = Tensor.FromArray(new float[n], [n]);
            kernel.Execute([x], [y], pool);
            var got = y.ToArray<float>();
            var inPlace = Tensor.FromArray((float[])xs.Clone(), [n]);
            kernel.Execute([inPlace], [inPlace], pool);
            Assert.Equal(got, inPlace.ToArray<float>());
            first ??= got;
            Assert.Equal(first, got);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-30, $"{op}[{i}]({xs[i]}) = {got[i]}, reference {expected[i]} ({threads} threads)");
            }
        }
    }
}
