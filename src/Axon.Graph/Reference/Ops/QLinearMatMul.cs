namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Quantized matmul: the exact integer product of (a - a_zp)·(b - b_zp), rescaled by a_scale·b_scale/y_scale (in the
/// scales' precision), then rounded half to even, offset by y_zero_point and saturated to y's type.
/// </summary>
[Op("QLinearMatMul")]
internal sealed class QLinearMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var at = ctx.Input(0);
        var ast = ctx.Input(1);
        var bt = ctx.Input(3);
        var bst = ctx.Input(4);
        var yst = ctx.Input(6);
        var yzt = ctx.Input(7);
        var a = MatMulInteger.SubtractZeroPoint(ctx, at, ctx.Input(2), perRow: true);
        var b = MatMulInteger.SubtractZeroPoint(ctx, bt, ctx.Input(5), perRow: false);
        var plan = MatMulCore.Plan(ctx, at.Shape, bt.Shape);
        var c = plan.Multiply(a, b);
        var prec = ast.DType;
        // Per-row a_scale and per-column b_scale map onto the output's last two dims.
        var outShape = plan.OutShape;
        var amap = ScaleMap(ast.Shape, outShape, perRow: true, at.Rank);
        var bmap = ScaleMap(bst.Shape, outShape, perRow: false, bt.Rank);
        var asd = ast.ToDoubles();
        var bsd = bst.ToDoubles();
        double ys = yst.ToDoubles()[0];
        double yz = yzt.ToDoubles()[0];
        var v = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            double f = Quant.RoundTo(Quant.RoundTo(asd[amap[i]] * bsd[bmap[i]], prec) / ys, prec);
            v[i] = Math.Round(c[i] * f, MidpointRounding.ToEven) + yz;
        }
        return [Quant.Store(yzt.DType, v, outShape, true)];
    }

    private static int[] ScaleMap(int[] sShape, int[] outShape, bool perRow, int operandRank)
    {
        int n = Tensor.CheckedLength(outShape);
        if (Tensor.CheckedLength(sShape) == 1)
        {
            return new int[n];
        }
        var map = new int[n];
        int cols = outShape.Length >= 1 && operandRank >= 1 ? outShape[^1] : 1;
        for (int i = 0; i < n; i++)
        {
            // a's rows are the output's dim -2; b's columns the output's dim -1.
            map[i] = perRow ? i / cols % sShape[^1] : i % cols;
        }
        return map;
    }
}
