using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Lowering;

/// <summary>An Identity the planner cannot alias (its output is a graph output) runs as a copy, not on the reference path.</summary>
public class CopyKernelTests
{
    [Theory]
    [InlineData(new[] { 1, 1000 })]
    [InlineData(new[] { 3, 17 })]
    [InlineData(new[] { 1 })]
    public void IdentityCopiesTheInput(int[] shape)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", shape.Select(d => (long)d).ToArray()));
        g.Outputs.Add(F32("y", shape.Select(d => (long)d).ToArray()));
        var node = new Node("Identity", ["x"], ["y"], "y");
        g.Nodes.Add(node);
        var m = Model(g);
        var inputs = Inputs(m, 5);
        var expected = Assert.IsType<Tensor>(Run(m, inputs)[0].Value).ToArray<float>();

        var kernel = KernelRegistry.Select(new KernelRequest(node, 21, [g.Inputs[0].Type], [g.Outputs[0].Type], [null]));
        Assert.NotNull(kernel);
        Assert.Equal("copy", kernel.Name);
        var y = Tensor.FromArray(new float[expected.Length], shape);
        using var pool = new WorkerPool(1);
        kernel.Execute([(Tensor)inputs["x"]!], [y], pool);
        Assert.Equal(expected, y.ToArray<float>());
    }

    [Fact]
    public void StringsStayOnTheReferencePath()
    {
        var node = new Node("Identity", ["x"], ["y"], "y");
        var t = TypeInfo.Tensor(DType.String, [2]);
        Assert.Null(KernelRegistry.Select(new KernelRequest(node, 21, [t], [t], [null])));
    }
}
