using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Lowering;

/// <summary>Softmax/LogSoftmax rows split over the pool: bit-identical for 1, 2 and 3 threads and equal to the reference.</summary>
public class SoftmaxKernelThreadTests
{
    [Theory]
    [InlineData("Softmax", 67, 1000)]
    [InlineData("LogSoftmax", 5, 4099)]
    [InlineData("Softmax", 3, 17)]
    public void ThreadCountDoesNotChangeResults(string op, int rows, int cols)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", (long)rows, (long)cols));
        g.Outputs.Add(F32("y", (long)rows, (long)cols));
        var node = new Node(op, ["x"], ["y"], "s");
        g.Nodes.Add(node);
        var m = Model(g);
        var inputs = Inputs(m, 9);
        var x = (Tensor)inputs["x"]!;
        var expected = Assert.IsType<Tensor>(Run(m, inputs)[0].Value).ToArray<float>();
        var kernel = KernelRegistry.Select(new KernelRequest(node, 17, [g.Inputs[0].Type], [g.Outputs[0].Type], [null]));
        Assert.NotNull(kernel);
        Assert.EndsWith("softmax.rows", kernel.Name);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new WorkerPool(threads);
            var y = Tensor.FromArray(new float[rows * cols], [rows, cols]);
            kernel.Execute([x], [y], pool);
            var got = y.ToArray<float>();
            first ??= got;
            Assert.Equal(first, got);
            for (int i = 0; i < got.Length; i++)
            {
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"{op}[{i}] = {got[i]}, reference {expected[i]} ({threads} threads)");
            }
        }
    }
}
