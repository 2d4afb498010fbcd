namespace Axon.Graph.Reference.Ops;

/// <summary>LpNormalization: x / ||x||_p along one axis (p is 1 or 2); a zero norm gives zeros rather than NaN.</summary>
[Op("LpNormalization")]
internal sealed class LpNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        int axis = Reduction.NormalizeAxis(ctx, ctx.Int("axis", -1), xt.Rank);
        long p = ctx.Int("p", 2);
        if (p != 1 && p != 2)
        {
            throw ctx.Error($"p must be 1 or 2, got {p}");
        }
        var x = xt.ToDoubles();
        AxisRows.AlongAxis(xt.Shape, axis).Apply(x, (row, _) =>
        {
            double norm = 0;
            foreach (double v in row)
            {
                norm += p == 1 ? Math.Abs(v) : v * v;
            }
            norm = p == 1 ? norm : Math.Sqrt(norm);
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = norm == 0 ? 0 : row[k] / norm;
            }
        });
        return [Tensor.FromDoubles(xt.DType, x, xt.Shape)];
    }
}
