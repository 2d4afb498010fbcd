namespace Axon.Graph.Reference.Ops;

/// <summary>Reinterprets the bits of each element as another dtype of the same bit width.</summary>
[Op("BitCast")]
internal sealed class BitCast : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var to = (DType)ctx.Int("to", 0);
        if (!Enum.IsDefined(to) || to is DType.Undefined or DType.String || x.DType == DType.String)
        {
            throw ctx.Error($"cannot bitcast {x.DType.OnnxName()} to data type {(int)to}");
        }
        if (MathKernels.Bits(x.DType) != MathKernels.Bits(to))
        {
            throw ctx.Error($"cannot bitcast {x.DType.OnnxName()} to {to.OnnxName()}: bit widths differ");
        }
        var r = Tensor.FromBytes(to, x.Bytes, x.Shape);
        if (to is DType.Int4 or DType.UInt4 or DType.Float4E2M1 or DType.Bool)
        {
            // Elements narrower than a byte (and bools) are stored one per byte: keep the canonical in-memory form.
            var b = r.Bytes;
            for (int i = 0; i < b.Length; i++)
            {
                int nib = b[i] & 0xF;
                b[i] = to switch
                {
                    DType.Int4 => (byte)(sbyte)((nib ^ 8) - 8),
                    DType.Bool => (byte)(b[i] != 0 ? 1 : 0),
                    _ => (byte)nib,
                };
            }
        }
        return [r];
    }
}
