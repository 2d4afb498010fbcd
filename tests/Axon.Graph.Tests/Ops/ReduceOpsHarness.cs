namespace Axon.Graph.Tests.Ops;

/// <summary>Runs one node through the reference executor (the reduce/normalize/attention test family's helper).</summary>
internal static class ReduceOpsHarness
{
    /// <summary>Runs <paramref name="op"/> with the given inputs (null = omitted) and returns every output.</summary>
    public static Tensor?[] Run(string op, Tensor?[] inputs, Attr[]? attrs = null, long opset = 23, int outputs = 1, string domain = "") =>
        SingleNode.Run(op, inputs, outputs, opset, attrs, domain, typedInputs: true).Select(v => v as Tensor).ToArray();

    public static Tensor F(float[] data, params int[] shape) => Tensor.FromArray(data, shape);

    public static Tensor L(long[] data, params int[] shape) => Tensor.FromArray(data, shape);

    public static void Close(double[] expected, Tensor? actual, double tol = 1e-5)
    {
        Assert.NotNull(actual);
        var a = actual!.ToDoubles();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(expected[i]) || double.IsInfinity(expected[i]))
            {
                Assert.Equal(expected[i], a[i]);
            }
            else
            {
                Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {a[i]}");
            }
        }
    }
}
