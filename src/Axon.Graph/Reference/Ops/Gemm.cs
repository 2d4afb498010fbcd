namespace Axon.Graph.Reference.Ops;

/// <summary>Y = alpha·op(A)·op(B) + beta·C with transA/transB and C broadcast to (M, N); C is optional from opset 11.</summary>
[Op("Gemm")]
internal sealed class Gemm : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var at = ctx.Input(0);
        var bt = ctx.Input(1);
        var ct = ctx.OptionalInput(2);
        if (at.Rank != 2 || bt.Rank != 2)
        {
            throw ctx.Error($"Gemm needs 2-D A and B, got [{string.Join(",", at.Shape)}] and [{string.Join(",", bt.Shape)}]");
        }
        bool ta = ctx.Int("transA", 0) != 0, tb = ctx.Int("transB", 0) != 0;
        double alpha = ctx.Float("alpha", 1f), beta = ctx.Float("beta", 1f);
        int m = ta ? at.Shape[1] : at.Shape[0], k = ta ? at.Shape[0] : at.Shape[1];
        int kb = tb ? bt.Shape[1] : bt.Shape[0], n = tb ? bt.Shape[0] : bt.Shape[1];
        if (k != kb)
        {
            throw ctx.Error($"inner dims differ: A [{string.Join(",", at.Shape)}] transA={ta}, B [{string.Join(",", bt.Shape)}] transB={tb}");
        }
        int[] shape = [m, n];
        int[]? cmap = null;
        if (ct is not null)
        {
            if (ct.Rank > 2 || !Unidirectional(ct.Shape, shape))
            {
                throw ctx.Error($"C [{string.Join(",", ct.Shape)}] cannot be broadcast to [{m},{n}]");
            }
            cmap = Broadcast.IndexMap(ct.Shape, shape);
        }
        bool exactInt = at.DType.IsInteger() && alpha == 1 && beta == 1;
        if (exactInt)
        {
            var a = Arrange(at.ToInt64s(), at.Shape, ta);
            var b = Arrange(bt.ToInt64s(), bt.Shape, tb);
            var y = MatMulCore.Plan(ctx, [m, k], [k, n]).Multiply(a, b);
            if (ct is not null)
            {
                var c = ct.ToInt64s();
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = unchecked(y[i] + c[cmap![i]]);
                }
            }
            return [Tensor.FromInt64s(at.DType, y, shape)];
        }
        var ad = Arrange(at.ToDoubles(), at.Shape, ta);
        var bd = Arrange(bt.ToDoubles(), bt.Shape, tb);
        var plan = MatMulCore.Plan(ctx, [m, k], [k, n]);
        plan.HasNonFinite = !MatMulCore.AllFinite(bd);
        var yd = plan.Multiply(ad, bd);
        var cd = ct?.ToDoubles();
        for (int i = 0; i < yd.Length; i++)
        {
            yd[i] = alpha * yd[i] + (cd is null ? 0 : beta * cd[cmap![i]]);
        }
        return [Tensor.FromDoubles(at.DType, yd, shape)];
    }

    /// <summary>The matrix in row-major order, transposed first when asked.</summary>
    private static T[] Arrange<T>(T[] v, int[] shape, bool transpose)
    {
        if (!transpose)
        {
            return v;
        }
        int r = shape[0], c = shape[1];
        var t = new T[v.Length];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                t[j * r + i] = v[i * c + j];
            }
        }
        return t;
    }

    /// <summary>True when <paramref name="c"/> broadcasts to <paramref name="shape"/> without changing it.</summary>
    private static bool Unidirectional(int[] c, int[] shape)
    {
        for (int i = 0; i < c.Length; i++)
        {
            int d = c[c.Length - 1 - i];
            if (d != 1 && d != shape[shape.Length - 1 - i])
            {
                return false;
            }
        }
        return true;
    }
}
