using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Quant;

/// <summary>
/// Writes one int32 micro-tile of an INT8 GEMM to C while it is in L1: zero-point correction, then dequantization and the
/// float epilogue, a plain int32 store, or requantization. Full 16-column tiles take the vector path; edge tiles the
/// scalar path, which performs the same float operations in the same order (identical results).
/// </summary>
internal readonly unsafe struct QTileWriter(QGemmOutput o, int k, void* c, int ldc, int* colSums, int* bZeros, bool bZero, bool aSigned)
{
    private const int NR = QMicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RowZero(int row) => (o.RowZero is null ? o.AZero : o.RowZero[row]) + (aSigned ? 128 : 0);

    public void Write(int* acc, int i0, int j0, int mr, int nr, int* rowSums)
    {
        for (int r = 0; r < mr; r++)
        {
            int row = i0 + r;
            int* t = acc + r * NR;
            Correct(t, RowZero(row), rowSums is null ? 0 : rowSums[r], j0, nr);
            switch (o.Kind)
            {
                case QOutputKind.Float32:
                    WriteFloat(t, row, j0, nr);
                    break;
                case QOutputKind.Int32:
                    if (o.Bias is not null)
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            t[j] += o.Bias[j0 + j];
                        }
                    }
                    new ReadOnlySpan<int>(t, nr).CopyTo(new Span<int>((int*)c + (long)row * ldc + j0, nr));
                    break;
                default:
                    Requantize(t, row, j0, nr);
                    break;
            }
        }
    }

    /// <summary>t[j] -= za·Σb[j] + zb[j]·Σa - K·za·zb[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Correct(int* t, int za, int rowSum, int j0, int nr)
    {
        if (za == 0 && !bZero)
        {
            return;
        }
        if (nr == NR && Vector256.IsHardwareAccelerated && !bZero)
        {
            var z = Vector256.Create(za);
            Vector256.Store(Vector256.Load(t) - z * Vector256.Load(colSums + j0), t);
            Vector256.Store(Vector256.Load(t + 8) - z * Vector256.Load(colSums + j0 + 8), t + 8);
            return;
        }
        for (int j = 0; j < nr; j++)
        {
            int zb = bZeros[j0 + j];
            t[j] -= za * colSums[j0 + j] + zb * rowSum - k * za * zb;
        }
    }

    private void WriteFloat(int* t, int row, int j0, int nr)
    {
        float sa = o.RowScale is null ? o.AScale : o.RowScale[row];
        float* y = (float*)c + (long)row * ldc + j0;
        if (nr == NR && Vector256.IsHardwareAccelerated && o.ColScale is not null)
        {
            var s = Vector256.Create(sa);
            var y0 = Vector256.ConvertToSingle(Vector256.Load(t)) * (s * Vector256.Load(o.ColScale + j0));
            var y1 = Vector256.ConvertToSingle(Vector256.Load(t + 8)) * (s * Vector256.Load(o.ColScale + j0 + 8));
            ref readonly var ep = ref o.Epilogue;
            if (ep.BiasM is null && ep.Activation is Activation.None or Activation.Relu or Activation.Gelu or Activation.GeluTanh)
            {
                // The common epilogues in registers: the per-row calls of EpilogueOps cost as much as a K = 384 tile's
                // dot products. Same operations in the same order as EpilogueOps (bias, residual, activation).
                if (ep.BiasN is not null)
                {
                    y0 += Vector256.Load(ep.BiasN + j0);
                    y1 += Vector256.Load(ep.BiasN + j0 + 8);
                }
                if (ep.Residual is not null)
                {
                    float* z = ep.Residual + (long)row * ep.ResidualStride + j0;
                    y0 += Vector256.Load(z);
                    y1 += Vector256.Load(z + 8);
                }
                switch (ep.Activation)
                {
                    case Activation.Relu:
                        y0 = Vector256.ConditionalSelect(Vector256.LessThan(y0, Vector256<float>.Zero), Vector256<float>.Zero, y0);
                        y1 = Vector256.ConditionalSelect(Vector256.LessThan(y1, Vector256<float>.Zero), Vector256<float>.Zero, y1);
                        break;
                    case Activation.Gelu:
                        y0 = default(Elementwise.GeluOp).Invoke(y0);
                        y1 = default(Elementwise.GeluOp).Invoke(y1);
                        break;
                    case Activation.GeluTanh:
                        y0 = default(Elementwise.GeluTanhOp).Invoke(y0);
                        y1 = default(Elementwise.GeluTanhOp).Invoke(y1);
                        break;
                }
                y0.Store(y);
                y1.Store(y + 8);
                return;
            }
            y0.Store(y);
            y1.Store(y + 8);
        }
        else
        {
            for (int j = 0; j < nr; j++)
            {
                y[j] = t[j] * (sa * (o.ColScale is null ? o.BScale : o.ColScale[j0 + j]));
            }
        }
        if (!o.Epilogue.IsIdentity)
        {
            EpilogueOps.ApplyRow(y, row, j0, nr, o.Epilogue);
        }
    }

    private void Requantize(int* t, int row, int j0, int nr)
    {
        bool u8 = o.Kind == QOutputKind.UInt8;
        int lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
        if (o.Clamp)
        {
            lo = Math.Max(lo, o.QMin);
            hi = Math.Min(hi, o.QMax);
        }
        for (int j = 0; j < nr; j++)
        {
            double f = o.Multiplier[j0 + j];
            double q = Math.Round(((double)t[j] + (o.Bias is null ? 0 : o.Bias[j0 + j])) * f, MidpointRounding.ToEven) + o.OutZero;
            int v = (int)Math.Clamp(q, lo, hi);
            if (u8)
            {
                ((byte*)c)[(long)row * ldc + j0 + j] = (byte)v;
            }
            else
            {
                ((sbyte*)c)[(long)row * ldc + j0 + j] = (sbyte)v;
            }
        }
    }
}
