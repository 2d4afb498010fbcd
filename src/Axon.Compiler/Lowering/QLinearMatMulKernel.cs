using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// Pre-quantized ONNX matrix products on the INT8 GEMM when B is a constant 2-D matrix (packed once): MatMulInteger
/// (int32 output) and QLinearMatMul (requantized with the reference's rounding: multiplier a_scale·b_scale/y_scale per
/// column in float, round half to even in double). u8/s8 on either side; A's zero point and scale per tensor, B's per
/// tensor or per column. Full-range weights run the exact split path of <see cref="QuantizedMatrix"/>. The fused
/// axon:QLinearMatMul (from QDQ graphs) adds an A of any rank [..., K], an int32 bias and the qmin/qmax clamp.
/// </summary>
[KernelFor("MatMulInteger")]
[KernelFor("QLinearMatMul")]
[KernelFor("QLinearMatMul", Domain = "axon")]
internal sealed class QLinearMatMulKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        bool qlinear = r.Node.OpType == "QLinearMatMul";
        bool fused = r.Node.Domain == "axon";
        int bi = qlinear ? 3 : 1;
        var a = r.InputShape(0);
        if (fused && a is { Length: > 2 })
        {
            a = [a[..^1].Aggregate(1, (p, v) => p * v), a[^1]];
        }
        var at = r.InputTypes[0]?.ElemType;
        // The output shape follows from A and B ([M, N]); shape inference need not have typed it.
        if (a is not { Length: 2 } || r.Constants[bi] is not { Rank: 2, DType: DType.UInt8 or DType.Int8 } b
            || at is not (DType.UInt8 or DType.Int8) || a[1] != b.Shape[0])
        {
            return null;
        }
        int m = a[0], k = a[1], n = b.Shape[1];
        // Zero points and scales must be constants of a supported granularity.
        Tensor? Const(int i) => i < r.Constants.Length && r.HasInput(i) ? r.Constants[i] : null;
        bool Missing(int i) => !r.HasInput(i);
        int azIndex = qlinear ? 2 : 2, bzIndex = qlinear ? 5 : 3;
        var az = Const(azIndex);
        var bz = Const(bzIndex);
        if (!Missing(azIndex) && (az is null || az.Length != 1) || !Missing(bzIndex) && (bz is null || bz.Length != 1 && bz.Length != n))
        {
            return null;
        }
        int aZero = az is null ? 0 : (int)az.ToInt64s()[0];
        var bZeros = bz is null ? [] : bz.ToInt64s().Select(v => (int)v).ToArray();
        var packed = b.DType == DType.UInt8
            ? QuantizedMatrix.PackUnsigned(b.ReadOnlySpan<byte>(), k, n, zeroPoints: bZeros)
            : QuantizedMatrix.Pack(b.ReadOnlySpan<sbyte>(), k, n, zeroPoints: bZeros);
        if (!qlinear)
        {
            return r.OutputTypes[0]?.ElemType is DType.Int32 or null ? new Kernel(m, n, k, at == DType.Int8, aZero, packed, QOutputKind.Int32, null, 0, null, false, 0, 0) : null;
        }
        if (Const(1) is not { Length: 1, DType: DType.Float32 } asc || Const(4) is not { DType: DType.Float32 } bsc || bsc.Length != 1 && bsc.Length != n
            || Const(6) is not { Length: 1 } ysc || Const(7) is not { Length: 1, DType: DType.UInt8 or DType.Int8 } yz)
        {
            return null;
        }
        double sa = asc.ToDoubles()[0], ys = ysc.ToDoubles()[0];
        var sb = bsc.ToDoubles();
        var mult = new float[n];
        for (int j = 0; j < n; j++)
        {
            mult[j] = (float)((double)(float)(sa * sb[sb.Length == 1 ? 0 : j]) / ys);
        }
        int[]? bias = null;
        if (fused && r.HasInput(8))
        {
            if (Const(8) is not { DType: DType.Int32 } bt || bt.Length != n)
            {
                return null;
            }
            bias = bt.ToArray<int>();
        }
        bool u8 = yz.DType == DType.UInt8;
        long lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
        long qmin = fused ? Math.Max(lo, r.Node.GetInt("qmin", lo)) : lo, qmax = fused ? Math.Min(hi, r.Node.GetInt("qmax", hi)) : hi;
        return new Kernel(m, n, k, at == DType.Int8, aZero, packed, u8 ? QOutputKind.UInt8 : QOutputKind.Int8, mult, (int)yz.ToInt64s()[0],
            bias, qmin != lo || qmax != hi, (int)qmin, (int)qmax);
    }

    private sealed unsafe class Kernel(int m, int n, int k, bool aSigned, int aZero, QuantizedMatrix packed, QOutputKind kind, float[]? multiplier, int outZero,
        int[]? bias, bool clamp, int qmin, int qmax) : INodeKernel
    {
        public string Name => $"qgemm.{Qgemm.Tier}{(packed.Split ? ".split" : "")}.{kind.ToString().ToLowerInvariant()}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (byte* pa = inputs[0]!.Bytes, py = outputs[0].Bytes)
            fixed (float* pm = multiplier)
            fixed (int* pb = bias)
            {
                var o = new QGemmOutput { Kind = kind, AZero = aZero, Multiplier = pm, OutZero = outZero, Bias = pb, Clamp = clamp, QMin = qmin, QMax = qmax };
                Qgemm.Multiply(m, n, k, pa, k, aSigned, packed, py, n, o, pool);
            }
        }
    }
}
