namespace Axon.Graph.Reference;

/// <summary>
/// Shared pieces of the quantization ops: mapping each element to its scale/zero-point (per-tensor, per-axis or
/// blocked), rounding to a float format's precision, and saturating conversion to the quantized types.
/// </summary>
public static class Quant
{
    /// <summary>
    /// For each flat element of <paramref name="xShape"/>, the flat index into the scale tensor. A scalar (or one-element)
    /// scale is per-tensor; a 1-D scale is per-axis along <paramref name="axis"/>; a scale of the input's rank is blocked.
    /// </summary>
    public static int[] ParamMap(OpContext ctx, int[] xShape, int[] scaleShape, long axis, long blockSize)
    {
        int n = Tensor.CheckedLength(xShape);
        var map = new int[n];
        int sn = Tensor.CheckedLength(scaleShape);
        if (scaleShape.Length == 0 || (sn == 1 && scaleShape.Length == 1 && blockSize <= 0))
        {
            return map;
        }
        int rank = xShape.Length;
        int ax = (int)(axis < 0 ? axis + rank : axis);
        if (rank == 1 && scaleShape.Length == 1)
        {
            // A 1-D input has only one axis to quantize along, whatever the (default 1) axis attribute says.
            ax = 0;
        }
        if (ax < 0 || ax >= rank)
        {
            throw ctx.Error($"axis {axis} is out of range for rank {rank}");
        }
        var strides = Tensor.StridesOf(xShape);
        if (scaleShape.Length == 1 && blockSize <= 0)
        {
            if (scaleShape[0] != xShape[ax])
            {
                throw ctx.Error($"per-axis scale has {scaleShape[0]} values but axis {ax} has {xShape[ax]}");
            }
            for (int i = 0; i < n; i++)
            {
                map[i] = i / strides[ax] % xShape[ax];
            }
            return map;
        }
        if (scaleShape.Length != rank || blockSize <= 0)
        {
            throw ctx.Error($"scale shape [{string.Join(",", scaleShape)}] fits neither per-tensor, per-axis nor blocked quantization (block_size {blockSize}) of [{string.Join(",", xShape)}]");
        }
        for (int d = 0; d < rank; d++)
        {
            int want = d == ax ? (int)((xShape[d] + blockSize - 1) / blockSize) : xShape[d];
            if (scaleShape[d] != want)
            {
                throw ctx.Error($"blocked scale shape [{string.Join(",", scaleShape)}] does not fit input [{string.Join(",", xShape)}] with block_size {blockSize} on axis {ax}");
            }
        }
        var sStrides = Tensor.StridesOf(scaleShape);
        for (int i = 0; i < n; i++)
        {
            int s = 0;
            for (int d = 0; d < rank; d++)
            {
                int c = i / strides[d] % xShape[d];
                s += (d == ax ? (int)(c / blockSize) : c) * sStrides[d];
            }
            map[i] = s;
        }
        return map;
    }

    /// <summary>Rounds <paramref name="v"/> to the precision of a float dtype (identity for double and non-floats).</summary>
    public static double RoundTo(double v, DType t) => t switch
    {
        DType.Float32 => (float)v,
        DType.Float16 => (double)(Half)v,
        DType.BFloat16 => BFloat16.FromFloat((float)v).ToFloat(),
        _ => v,
    };

    /// <summary>The integer range of a quantized integer type.</summary>
    public static (long Min, long Max) Range(DType t) => t switch
    {
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.UInt8 => (0, byte.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.UInt16 => (0, ushort.MaxValue),
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.UInt32 => (0, uint.MaxValue),
        DType.Int4 => (-8, 7),
        DType.UInt4 => (0, 15),
        DType.Int2 => (-2, 1),
        DType.UInt2 => (0, 3),
        _ => throw new AxonModelException($"{t.OnnxName()} is not a quantized integer type", "AXON110"),
    };

    public static MiniFloat? MiniFormatOf(DType t) => t switch
    {
        DType.Float8E4M3FN => MiniFloat.E4M3FN,
        DType.Float8E4M3FNUZ => MiniFloat.E4M3FNUZ,
        DType.Float8E5M2 => MiniFloat.E5M2,
        DType.Float8E5M2FNUZ => MiniFloat.E5M2FNUZ,
        DType.Float4E2M1 => MiniFloat.E2M1,
        _ => null,
    };

    /// <summary>
    /// Writes already-scaled values (x / scale + zero point, unrounded) as <paramref name="t"/>: integers round half to
    /// even and saturate; small floats round to nearest even, saturating when <paramref name="saturate"/>.
    /// </summary>
    public static Tensor Store(DType t, double[] v, int[] shape, bool saturate)
    {
        var mf = MiniFormatOf(t);
        if (mf is not null)
        {
            var bytes = new byte[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                bytes[i] = (byte)mf.Encode((float)v[i], saturate);
            }
            return Tensor.FromBytes(t, bytes, shape);
        }
        var (lo, hi) = Range(t);
        var r = new long[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double q = Math.Round(v[i], MidpointRounding.ToEven);
            r[i] = double.IsNaN(q) ? 0 : (long)Math.Clamp(q, lo, hi);
        }
        return Tensor.FromInt64s(t, r, shape);
    }
}
