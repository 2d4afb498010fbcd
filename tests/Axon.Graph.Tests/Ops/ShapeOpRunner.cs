namespace Axon.Graph.Tests.Ops;

/// <summary>Runs one node through the reference executor: the shape/data-movement op tests' common harness.</summary>
internal static class ShapeOpRunner
{
    /// <summary>Runs <paramref name="op"/> on the inputs (null = omitted) under the given opset; returns every output.</summary>
    public static IValue?[] RunAll(string op, IValue?[] inputs, int outputs, long opset, params Attr[] attrs) =>
        SingleNode.Run(op, inputs, outputs, opset, attrs);

    /// <summary>Runs a single-output op under opset 21 (or the given one).</summary>
    public static Tensor Run(string op, IValue?[] inputs, params Attr[] attrs) => (Tensor)RunAll(op, inputs, 1, 21, attrs)[0]!;

    public static Tensor RunAt(long opset, string op, IValue?[] inputs, params Attr[] attrs) => (Tensor)RunAll(op, inputs, 1, opset, attrs)[0]!;

    public static Tensor I64(params long[] v) => Tensor.FromArray(v);

    public static Tensor F32(float[] v, params int[] shape) => Tensor.FromArray(v, shape);

    /// <summary>0, 1, 2, ... as float32 in the given shape.</summary>
    public static Tensor Iota(params int[] shape)
    {
        int n = Tensor.CheckedLength(shape);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), shape);
    }

    public static void AssertTensor(Tensor t, int[] shape, double[] values)
    {
        Assert.Equal(shape, t.Shape);
        Assert.Equal(values, t.ToDoubles());
    }
}
