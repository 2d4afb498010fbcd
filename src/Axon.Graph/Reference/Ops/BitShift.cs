namespace Axon.Graph.Reference.Ops;

/// <summary>Logical shift of unsigned integers; shifting by the bit width or more gives 0.</summary>
[Op("BitShift")]
internal sealed class BitShift : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (!a.DType.IsUnsignedInt() || a.DType != b.DType)
        {
            throw ctx.Error($"expects two unsigned integer inputs of one dtype, got {a.DType.OnnxName()} and {b.DType.OnnxName()}");
        }
        var direction = ctx.String("direction", "");
        bool left = direction switch
        {
            "LEFT" => true,
            "RIGHT" => false,
            _ => throw ctx.Error($"direction must be \"LEFT\" or \"RIGHT\", got \"{direction}\""),
        };
        int bits = MathKernels.Bits(a.DType);
        return [MathKernels.IntBinary(a, b, (x, n) =>
        {
            ulong ux = unchecked((ulong)x);
            ulong un = unchecked((ulong)n);
            if (un >= (ulong)bits)
            {
                return 0;
            }
            // Narrowing back to the dtype drops the bits shifted past its width.
            return unchecked((long)(left ? ux << (int)un : ux >> (int)un));
        })];
    }
}
