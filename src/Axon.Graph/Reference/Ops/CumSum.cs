namespace Axon.Graph.Reference.Ops;

/// <summary>
/// CumSum: running sums along the axis given as a scalar input; exclusive=1 shifts by one (starting from 0), reverse=1
/// runs from the end. Integers accumulate in int64 (wrapping like the narrow type), floats in double rounded once.
/// </summary>
[Op("CumSum")]
internal sealed class CumSum : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Scan(ctx, 0, (a, b) => a + b, (a, b) => unchecked(a + b))];

    /// <summary>The cumulative scan shared with CumProd: <paramref name="identity"/> starts each line.</summary>
    internal static Tensor Scan(OpContext ctx, long identity, Func<double, double, double> f, Func<long, long, long> fi)
    {
        var x = ctx.Input(0);
        var axisT = ctx.Input(1);
        if (axisT.Length != 1)
        {
            throw ctx.Error($"axis must be a scalar, got {NdIndex.Str(axisT.Shape)}");
        }
        int axis = NdIndex.Axis(ctx, NdIndex.Ints(ctx, axisT, "axis")[0], x.Rank);
        bool exclusive = ctx.Int("exclusive", 0) != 0;
        bool reverse = ctx.Int("reverse", 0) != 0;
        int dim = x.Shape[axis];
        int outer = NdIndex.Product(x.Shape, 0, axis);
        int inner = NdIndex.Product(x.Shape, axis + 1, x.Rank);
        // Visits each line along the axis in scan order, handing positions to the typed loop below.
        void Lines(Action<int> start, Action<int> step)
        {
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    start(0);
                    for (int j = 0; j < dim; j++)
                    {
                        int jj = reverse ? dim - 1 - j : j;
                        step((o * dim + jj) * inner + i);
                    }
                }
            }
        }
        if (x.DType.IsInteger())
        {
            var v = x.ToInt64s();
            var r = new long[v.Length];
            long acc = identity;
            Lines(_ => acc = identity, p =>
            {
                if (exclusive)
                {
                    r[p] = acc;
                    acc = fi(acc, v[p]);
                }
                else
                {
                    acc = fi(acc, v[p]);
                    r[p] = acc;
                }
            });
            return Tensor.FromInt64s(x.DType, r, x.Shape);
        }
        if (!x.DType.IsFloat())
        {
            throw ctx.Error($"cannot accumulate {x.DType.OnnxName()} elements");
        }
        var d = x.ToDoubles();
        var rd = new double[d.Length];
        double accd = identity;
        Lines(_ => accd = identity, p =>
        {
            if (exclusive)
            {
                rd[p] = accd;
                accd = f(accd, d[p]);
            }
            else
            {
                accd = f(accd, d[p]);
                rd[p] = accd;
            }
        });
        return Tensor.FromDoubles(x.DType, rd, x.Shape);
    }
}
