using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Lowering;

/// <summary>The one-pass chain kernel against the reference op, over every input layout and awkward sizes.</summary>
public class ElementwiseChainKernelTests
{
    [Theory]
    [InlineData(new[] { 3, 5, 17 }, new[] { 17 }, 1)]            // bias over the last axis, a partial tile
    [InlineData(new[] { 2, 8, 33, 33 }, new[] { 8, 1, 1 }, 2)]   // per-channel, many tiles across two workers
    [InlineData(new[] { 7 }, new[] { 1 }, 1)]                   // shorter than one vector
    [InlineData(new[] { 4, 300 }, new[] { 4, 300 }, 3)]          // full-size second input
    public void MatchesReference(int[] shape, int[] other, int threads)
    {
        const string program = "Mul x0 x2; Add t0 x1; Gelu t1; Sub t2 x0; Sigmoid t3; Mul t4 x1; Clip t5 min=-0.5 max=0.4; " +
                               "Exp t6; Log t7; Tanh t8; LeakyRelu t9 alpha=0.3; HardSigmoid t10 alpha=0.25 beta=0.4; Max t11 x0; " +
                               "Silu t12; GeluTanh t13; Softplus t14; Abs t15; Sqrt t16; Neg t17; Div x1 t18; Pow t17 x2";
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", shape.Select(d => (long)d).ToArray()));
        g.Inputs.Add(F32("c", other.Select(d => (long)d).ToArray()));
        g.Initializers["s"] = Scalar(2f);
        g.Outputs.Add(F32("y", shape.Select(d => (long)d).ToArray()));
        var node = new Node("FusedElementwise", ["x", "c", "s"], ["y"], "chain", "axon");
        node.SetAttr(Attr.Of("program", program));
        g.Nodes.Add(node);
        var m = Model(g);
        m.OpsetImports["axon"] = 1;
        var inputs = Inputs(m, 11);
        var expected = Assert.IsType<Tensor>(Run(m, inputs)[0].Value).ToArray<float>();

        var types = new TypeInfo?[] { g.Inputs[0].Type, g.Inputs[1].Type, TypeInfo.Tensor(DType.Float32, []) };
        var kernel = KernelRegistry.Select(new KernelRequest(node, 21, types, [g.Outputs[0].Type], [null, null, g.Initializers["s"]]));
        Assert.NotNull(kernel);
        Assert.StartsWith("elementwise-chain", kernel.Name);
        var y = Tensor.FromArray(new float[expected.Length], shape);
        using var pool = new WorkerPool(threads);
        kernel.Execute([(Tensor)inputs["x"]!, (Tensor)inputs["c"]!, g.Initializers["s"]], [y], pool);
        var got = y.ToArray<float>();
        for (int i = 0; i < got.Length; i++)
        {
            Assert.True(Math.Abs(got[i] - expected[i]) <= 2e-5 + 2e-4 * Math.Abs(expected[i]), $"[{i}] kernel {got[i]} vs reference {expected[i]}");
        }
    }

    [Theory]
    [InlineData(new[] { 8 }, new[] { 2, 3, 8 }, 1L, 8L)]
    [InlineData(new[] { 3, 1, 1 }, new[] { 2, 3, 4, 5 }, 20L, 3L)]
    [InlineData(new[] { 1 }, new[] { 2, 3 }, 1L, 1L)]
    [InlineData(new[] { 2, 1, 5 }, new[] { 2, 4, 5 }, -1L, -1L)]
    public void LayoutOfABroadcastInput(int[] s, int[] y, long inner, long count)
    {
        var l = FusedElementwiseKernelProvider.Layout(s, y);
        if (inner < 0)
        {
            Assert.Null(l);
            return;
        }
        Assert.Equal(inner, l!.Value.Inner);
        Assert.Equal(count, l.Value.Count);
    }
}
