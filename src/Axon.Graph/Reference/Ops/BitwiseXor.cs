namespace Axon.Graph.Reference.Ops;

[Op("BitwiseXor")]
internal sealed class BitwiseXor : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (!a.DType.IsInteger() || a.DType != b.DType)
        {
            throw ctx.Error($"expects two integer inputs of one dtype, got {a.DType.OnnxName()} and {b.DType.OnnxName()}");
        }
        return [MathKernels.IntBinary(a, b, (x, y) => x ^ y)];
    }
}
