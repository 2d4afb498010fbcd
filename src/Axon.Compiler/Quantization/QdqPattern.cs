using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Matching helpers shared by the QDQ fusions: the parameters of a DequantizeLinear / QuantizeLinear (8-bit, constant
/// float32 scale, per tensor or along one axis), the quantized clamp of a Relu/Clip, and the int32 form of a bias.
/// </summary>
internal static class QdqPattern
{
    /// <summary>One Q or DQ node's quantized value, scale and zero point (the zero point's name, or "" when absent).</summary>
    internal sealed record Params(Node Node, string Q, string Scale, string Zero, Tensor ScaleValue, DType Type, int Axis)
    {
        public float[] Scales => ScaleValue.ToArray<float>();
    }

    /// <summary>The DequantizeLinear producing <paramref name="v"/> with an 8-bit input and constant float32 parameters.</summary>
    public static Params? Dequantized(string v, GraphIndex ix) =>
        ix.Producer(v, "DequantizeLinear") is { } dq ? Read(dq, ix, dq.Inputs[0], ix.ElemType(dq.Inputs[0]) ?? ix.Constant(dq.Inputs[0])?.DType) : null;

    /// <summary>A QuantizeLinear's parameters (output type from the zero point, u8 without one).</summary>
    public static Params? Quantizer(Node q, GraphIndex ix)
    {
        if (q.Domain.Length != 0 || q.OpType != "QuantizeLinear" || q.HasAttr("output_dtype") || q.HasAttr("precision"))
        {
            return null;
        }
        var z = q.Inputs.Count > 2 && q.Inputs[2].Length > 0 ? ix.Constant(q.Inputs[2]) : null;
        if (q.Inputs.Count > 2 && q.Inputs[2].Length > 0 && z is null)
        {
            return null;
        }
        return Read(q, ix, q.Outputs[0], z?.DType ?? DType.UInt8);
    }

    private static Params? Read(Node n, GraphIndex ix, string q, DType? type)
    {
        if (n.Domain.Length != 0 || n.Inputs.Count < 2 || n.GetInt("block_size", 0) != 0 || n.HasAttr("output_dtype") && n.OpType == "DequantizeLinear"
            || ix.Constant(n.Inputs[1]) is not { DType: DType.Float32 } s || s.Rank > 1)
        {
            return null;
        }
        string zero = n.Inputs.Count > 2 ? n.Inputs[2] : "";
        if (zero.Length > 0 && (ix.Constant(zero) is not { } z || z.Length != s.Length || z.DType != type))
        {
            return null;
        }
        int axis = (int)n.GetInt("axis", 1);
        return type is DType.UInt8 or DType.Int8 or DType.Int32 ? new Params(n, q, n.Inputs[1], zero, s, type.Value, axis) : null;
    }

    /// <summary>The zero point as an int (0 when absent); per-tensor only.</summary>
    public static int Zero(Params p, GraphIndex ix) => p.Zero.Length == 0 ? 0 : (int)ix.Constant(p.Zero)!.ToInt64s()[0];

    /// <summary>The zero point's name, or a new constant zero of the parameter's type when the node had none.</summary>
    public static string ZeroName(Params p, Axon.Graph.Graph g, HashSet<string> taken, Dictionary<string, Tensor> inits, int length = 1)
    {
        if (p.Zero.Length > 0)
        {
            return p.Zero;
        }
        string name = Rewrite.FreshName(g, p.Q + "_zero", taken);
        inits[name] = p.Type == DType.Int8 ? Tensor.FromArray(new sbyte[length], length) : Tensor.FromArray(new byte[length], length);
        return name;
    }

    /// <summary>
    /// The quantized clamp of a fused activation in front of Q: Relu clamps at Q(0) = zero point; Clip at Q(min), Q(max)
    /// (quantization is monotonic, so this is exact). Null for any other activation.
    /// </summary>
    public static (long Min, long Max)? Clamp(string activation, float? alpha, float? beta, float scale, int zero, DType type)
    {
        long lo = type == DType.UInt8 ? 0 : -128, hi = type == DType.UInt8 ? 255 : 127;
        long Q(float v) => Math.Clamp((long)MathF.Round(v / scale) + zero, lo, hi);
        return activation switch
        {
            "" => (lo, hi),
            "Relu" => (Math.Max(lo, zero), hi),
            "Clip" => (alpha is float a ? Q(a) : lo, beta is float b ? Q(b) : hi),
            _ => null,
        };
    }

    /// <summary>
    /// A bias as int32 in units of x_scale·w_scale[j]: a DequantizeLinear of a constant int32 whose scale is that product
    /// (zero point 0) is taken as is; a constant float bias is rounded to it. Null when neither fits.
    /// </summary>
    public static int[]? Bias(string b, GraphIndex ix, float xs, float[] ws, int n)
    {
        if (b.Length == 0)
        {
            return null;
        }
        if (Dequantized(b, ix) is { Type: DType.Int32 } dq && ix.Constant(dq.Q) is { } q && q.Length == n && Zero(dq, ix) == 0)
        {
            var s = dq.Scales;
            for (int j = 0; j < n; j++)
            {
                float want = xs * ws[ws.Length == 1 ? 0 : j];
                if (Math.Abs(s[s.Length == 1 ? 0 : j] - want) > 1e-6f * Math.Abs(want))
                {
                    return null;
                }
            }
            return q.ToArray<int>();
        }
        if (ix.Constant(b) is { DType: DType.Float32 } f && f.Length == n)
        {
            var v = f.ToArray<float>();
            var r = new int[n];
            for (int j = 0; j < n; j++)
            {
                double unit = (double)xs * ws[ws.Length == 1 ? 0 : j];
                r[j] = (int)Math.Clamp(Math.Round(v[j] / unit, MidpointRounding.ToEven), int.MinValue / 2, int.MaxValue / 2);
            }
            return r;
        }
        return null;
    }
}
