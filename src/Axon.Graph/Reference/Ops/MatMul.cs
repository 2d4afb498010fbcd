namespace Axon.Graph.Reference.Ops;

/// <summary>NumPy-style matrix product: 1-D promotion and batch broadcasting; floats accumulate in double, ints in int64.</summary>
[Op("MatMul")]
internal sealed class MatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var plan = MatMulCore.Plan(ctx, a.Shape, b.Shape);
        if (a.DType.IsInteger())
        {
            return [Tensor.FromInt64s(a.DType, plan.Multiply(a.ToInt64s(), b.ToInt64s()), plan.OutShape)];
        }
        var bd = b.ToDoubles();
        plan.HasNonFinite = !MatMulCore.AllFinite(bd);
        return [Tensor.FromDoubles(a.DType, plan.Multiply(a.ToDoubles(), bd), plan.OutShape)];
    }
}
