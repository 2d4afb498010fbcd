namespace Axon.Graph.Tests.Ops;

/// <summary>Runs one node through the reference executor (see <see cref="SingleNode"/>): the math op tests' runner.</summary>
internal static class MathOpRunner
{
    public static IValue?[] Run(string op, IValue?[] inputs, int outputs = 1, long opset = 21, params Attr[] attrs) =>
        SingleNode.Run(op, inputs, outputs, opset, attrs);

    /// <summary>Single-output convenience.</summary>
    public static Tensor Run1(string op, Tensor[] inputs, long opset = 21, params Attr[] attrs) =>
        (Tensor)Run(op, inputs, 1, opset, attrs)[0]!;

    public static Tensor F32(params float[] v) => Tensor.FromArray(v);
    public static Tensor F64(params double[] v) => Tensor.FromArray(v);
    public static Tensor I64(params long[] v) => Tensor.FromArray(v);
    public static Tensor I32(params int[] v) => Tensor.FromArray(v);
}
