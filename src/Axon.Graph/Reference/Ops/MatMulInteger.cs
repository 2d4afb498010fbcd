namespace Axon.Graph.Reference.Ops;

/// <summary>(A - a_zero_point) · (B - b_zero_point) in exact integers, int32 output; zero points per tensor, per row of A or per column of B.</summary>
[Op("MatMulInteger")]
internal sealed class MatMulInteger : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var at = ctx.Input(0);
        var bt = ctx.Input(1);
        var a = SubtractZeroPoint(ctx, at, ctx.OptionalInput(2), perRow: true);
        var b = SubtractZeroPoint(ctx, bt, ctx.OptionalInput(3), perRow: false);
        var plan = MatMulCore.Plan(ctx, at.Shape, bt.Shape);
        return [Tensor.FromInt64s(DType.Int32, plan.Multiply(a, b), plan.OutShape)];
    }

    /// <summary>
    /// x - zp with zp broadcast: a 1-D zero point of A runs along its rows (dim -2), one of B along its columns (dim -1);
    /// higher-rank zero points broadcast as they are.
    /// </summary>
    internal static long[] SubtractZeroPoint(OpContext ctx, Tensor x, Tensor? zp, bool perRow)
    {
        var v = x.ToInt64s();
        if (zp is null)
        {
            return v;
        }
        var z = zp.ToInt64s();
        var map = ZeroPointMap(ctx, x.Shape, zp.Shape, perRow);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] -= z[map[i]];
        }
        return v;
    }

    internal static int[] ZeroPointMap(OpContext ctx, int[] xShape, int[] zShape, bool perRow)
    {
        if (Tensor.CheckedLength(zShape) == 1)
        {
            return new int[Tensor.CheckedLength(xShape)];
        }
        var zs = zShape.Length == 1 && perRow && xShape.Length >= 2 ? new[] { zShape[0], 1 } : zShape;
        try
        {
            if (!Broadcast.Shape(zs, xShape).AsSpan().SequenceEqual(xShape))
            {
                throw ctx.Error($"zero point [{string.Join(",", zShape)}] does not fit input [{string.Join(",", xShape)}]");
            }
        }
        catch (AxonModelException e) when (!e.Message.Contains(ctx.Node.ToString()))
        {
            throw ctx.Error(e.Message);
        }
        return Broadcast.IndexMap(zs, xShape);
    }
}
