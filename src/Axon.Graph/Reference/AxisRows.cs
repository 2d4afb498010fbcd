namespace Axon.Graph.Reference;

/// <summary>
/// A tensor seen as [outer, n, inner]: "rows" of n elements spaced <see cref="Inner"/> apart. Softmax-style ops and
/// normalizations transform each row independently; this gathers a row into a buffer and scatters it back.
/// </summary>
internal readonly struct AxisRows
{
    public AxisRows(int outer, int n, int inner)
    {
        Outer = outer;
        N = n;
        Inner = inner;
    }

    public int Outer { get; }
    public int N { get; }
    public int Inner { get; }
    public int Count => Outer * Inner;

    /// <summary>Rows along a single axis (the opset-13+ softmax meaning).</summary>
    public static AxisRows AlongAxis(int[] shape, int axis) =>
        new(Prod(shape, 0, axis), axis < shape.Length ? shape[axis] : 1, Prod(shape, axis + 1, shape.Length));

    /// <summary>Rows spanning every axis from <paramref name="axis"/> on (the "coerce to 2-D" meaning of older opsets, and LayerNormalization).</summary>
    public static AxisRows FromAxis(int[] shape, int axis) => new(Prod(shape, 0, axis), Prod(shape, axis, shape.Length), 1);

    public static int Prod(int[] shape, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++)
        {
            p *= shape[i];
        }
        return p;
    }

    /// <summary>Applies <paramref name="f"/>(row, rowIndex) to every row of <paramref name="x"/> in place.</summary>
    public void Apply(double[] x, Action<double[], int> f)
    {
        var row = new double[N];
        for (int o = 0; o < Outer; o++)
        {
            for (int j = 0; j < Inner; j++)
            {
                int b = o * N * Inner + j;
                for (int k = 0; k < N; k++)
                {
                    row[k] = x[b + k * Inner];
                }
                f(row, o * Inner + j);
                for (int k = 0; k < N; k++)
                {
                    x[b + k * Inner] = row[k];
                }
            }
        }
    }

    /// <summary>Rows for a softmax-family op: along one axis from opset 13 (default -1), coerced 2-D before (default 1).</summary>
    public static AxisRows ForSoftmax(OpContext ctx, int[] shape)
    {
        bool modern = ctx.Opset >= 13;
        int rank = shape.Length;
        long a = ctx.Int("axis", modern ? -1 : 1);
        if (a < 0)
        {
            a += rank;
        }
        if (a < 0 || a > rank || (modern && a >= Math.Max(rank, 1)))
        {
            throw ctx.Error($"axis {ctx.Int("axis", 0)} is out of range for rank {rank}");
        }
        return modern ? AlongAxis(shape, (int)a) : FromAxis(shape, (int)a);
    }
}
