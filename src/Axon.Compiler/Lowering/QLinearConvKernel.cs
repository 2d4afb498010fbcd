using Axon.Kernels.Conv;
using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// INT8 convolutions with constant weights on <see cref="QConv"/>: ConvInteger (int32 output), QLinearConv and the fused
/// axon:QLinearConv (requantized u8/s8 with int32 bias and the qmin/qmax clamp of a fused Relu/Clip). u8 or s8 on either
/// side; x's zero point per tensor, w's per tensor or per output channel; w's scale likewise. 1-D and 2-D, any stride,
/// padding, dilation and group. Requantization follows the reference exactly: multiplier (float)((float)(x_s·w_s)/y_s),
/// (sum + bias)·multiplier in double, round half to even.
/// </summary>
[KernelFor("ConvInteger")]
[KernelFor("QLinearConv")]
[KernelFor("QLinearConv", Domain = "axon")]
internal sealed class QLinearConvKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        bool integer = r.Node.OpType == "ConvInteger";
        int wi = integer ? 1 : 3;
        var x = r.InputShape(0);
        var y = r.OutputShape(0);
        var xt = r.InputTypes[0]?.ElemType;
        Tensor? Const(int i) => i < r.Constants.Length && r.HasInput(i) ? r.Constants[i] : null;
        if (x is not { Length: 3 or 4 } || y is null || xt is not (DType.UInt8 or DType.Int8) || Const(wi) is not { DType: DType.UInt8 or DType.Int8 } w
            || w.Rank != x.Length)
        {
            return null;
        }
        int d = x.Length - 2;
        var kernel = w.Shape[2..];
        var strides = WindowAttrs.Ints(r.Node, "strides", d, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", d, 1);
        if (WindowAttrs.Pads(r.Node, x[2..], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        int group = (int)r.Node.GetInt("group", 1);
        var g = d == 1
            ? ConvGeometry.Conv1d(x[0], x[1], x[2], w.Shape[0], kernel[0], strides[0], pb[0], pe[0], dil[0], group)
            : new ConvGeometry(x[0], x[1], x[2], x[3], w.Shape[0], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], group);
        try
        {
            g.Validate();
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (g.OutputElements != Tensor.CheckedLength(y) || w.Shape[1] * group != x[1])
        {
            return null;
        }
        int xzi = 2, wzi = integer ? 3 : 5;
        var xz = Const(xzi);
        var wz = Const(wzi);
        if (r.HasInput(xzi) && (xz is null || xz.Length != 1 || xz.DType != xt) || r.HasInput(wzi) && (wz is null || wz.Length != 1 && wz.Length != g.K))
        {
            return null;
        }
        int xZero = xz is null ? 0 : (int)xz.ToInt64s()[0];
        var wZeros = wz is null ? [] : wz.ToInt64s().Select(v => (int)v).ToArray();
        if (integer)
        {
            if (r.OutputTypes[0]?.ElemType is not (DType.Int32 or null))
            {
                return null;
            }
            return new Kernel(Pack(g, w, wZeros), xt == DType.Int8, xZero, QOutputKind.Int32, null, null, 0, false, 0, 0);
        }
        if (Const(1) is not { Length: 1, DType: DType.Float32 } xs || Const(4) is not { DType: DType.Float32 } ws || ws.Length != 1 && ws.Length != g.K
            || Const(6) is not { Length: 1, DType: DType.Float32 } ys || Const(7) is not { Length: 1, DType: DType.UInt8 or DType.Int8 } yz)
        {
            return null;
        }
        int[]? bias = null;
        if (r.HasInput(8))
        {
            if (Const(8) is not { DType: DType.Int32 } b || b.Length != g.K)
            {
                return null;
            }
            bias = b.ToArray<int>();
        }
        double sx = xs.ToDoubles()[0], sy = ys.ToDoubles()[0];
        var sw = ws.ToDoubles();
        var mult = new float[g.K];
        for (int j = 0; j < g.K; j++)
        {
            mult[j] = (float)((double)(float)(sx * sw[sw.Length == 1 ? 0 : j]) / sy);
        }
        bool u8 = yz.DType == DType.UInt8;
        bool fused = r.Node.Domain == "axon";
        long lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
        long qmin = fused ? Math.Max(lo, r.Node.GetInt("qmin", lo)) : lo, qmax = fused ? Math.Min(hi, r.Node.GetInt("qmax", hi)) : hi;
        return new Kernel(Pack(g, w, wZeros), xt == DType.Int8, xZero, u8 ? QOutputKind.UInt8 : QOutputKind.Int8, mult, bias,
            (int)yz.ToInt64s()[0], qmin != lo || qmax != hi, (int)qmin, (int)qmax);
    }

    private static QConvWeights Pack(ConvGeometry g, Tensor w, int[] zeros) => QConvWeights.Pack(g, w.Bytes, w.DType == DType.UInt8, zeros);

    private sealed unsafe class Kernel(QConvWeights weights, bool xSigned, int xZero, QOutputKind kind, float[]? multiplier, int[]? bias,
        int outZero, bool clamp, int qmin, int qmax) : INodeKernel
    {
        public string Name => $"qconv.{Qgemm.Tier}{(weights.Split ? ".split" : "")}.{kind.ToString().ToLowerInvariant()}{(clamp ? ".clamp" : "")}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (byte* px = inputs[0]!.Bytes, py = outputs[0].Bytes)
            fixed (float* pm = multiplier)
            fixed (int* pb = bias)
            {
                var o = new QGemmOutput { Kind = kind, Multiplier = pm, Bias = pb, OutZero = outZero, Clamp = clamp, QMin = qmin, QMax = qmax };
                QConv.Run(px, xSigned, xZero, weights, py, o, pool);
            }
        }
    }
}
