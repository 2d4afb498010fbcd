namespace Axon.Graph.Reference.Ops;

[Op("BitwiseNot")]
internal sealed class BitwiseNot : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (!x.DType.IsInteger())
        {
            throw ctx.Error($"expects an integer input, got {x.DType.OnnxName()}");
        }
        // Complementing the int64 widening and narrowing back keeps exactly the low bits of the dtype.
        return [Elementwise.UnaryArith(x, v => v, v => ~v)];
    }
}
