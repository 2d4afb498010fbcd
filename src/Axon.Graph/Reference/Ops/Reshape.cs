namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Reshape: shape from an attribute (opset 1-4) or the second input (5+). A 0 copies the input dim at that position
/// unless allowzero=1 (opset 14+), where it means a literal zero; one -1 is inferred from the remaining element count.
/// </summary>
[Op("Reshape")]
internal sealed class Reshape : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[] spec = ctx.HasInput(1)
            ? NdIndex.Ints(ctx, ctx.Input(1), "shape")
            : ctx.Ints("shape") ?? throw ctx.Error("no target shape (neither a shape input nor a shape attribute)");
        bool allowZero = ctx.Int("allowzero", 0) != 0;
        return [x.Reshape(Resolve(ctx, x.Shape, spec, allowZero))];
    }

    /// <summary>Turns a Reshape shape spec into concrete dims for an input of shape <paramref name="inShape"/>.</summary>
    internal static int[] Resolve(OpContext ctx, int[] inShape, long[] spec, bool allowZero)
    {
        var dims = new int[spec.Length];
        int inferAt = -1;
        long known = 1;
        for (int i = 0; i < spec.Length; i++)
        {
            long d = spec[i];
            if (d == -1)
            {
                if (inferAt >= 0)
                {
                    throw ctx.Error($"shape {NdIndex.Str(spec.Select(v => (int)v))} has more than one -1");
                }
                inferAt = i;
                continue;
            }
            if (d == 0 && !allowZero)
            {
                if (i >= inShape.Length)
                {
                    throw ctx.Error($"shape entry {i} is 0 (copy) but the input {NdIndex.Str(inShape)} has no dim {i}");
                }
                d = inShape[i];
            }
            if (d < 0)
            {
                throw ctx.Error($"invalid dim {d} in shape [{string.Join(",", spec)}]");
            }
            dims[i] = NdIndex.ToInt(ctx, d, "dim");
            known *= dims[i];
        }
        int total = Tensor.CheckedLength(inShape);
        if (inferAt >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                throw ctx.Error($"cannot infer the -1 in shape [{string.Join(",", spec)}] for input {NdIndex.Str(inShape)}");
            }
            dims[inferAt] = (int)(total / known);
        }
        else if (known != total)
        {
            throw ctx.Error($"cannot reshape {NdIndex.Str(inShape)} ({total} elements) to [{string.Join(",", spec)}] ({known} elements)");
        }
        return dims;
    }
}
