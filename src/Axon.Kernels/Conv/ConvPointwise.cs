using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// 1×1 convolutions (any stride, no padding, one group) as the tuned SGEMM, per image Y[K, P] = W[K, C] · X[C, P]:
/// the input planes are packed once into 16-column panels (a contiguous copy of C·P floats, against 2·K·C·P flops),
/// then the GEMM's own blocking, partitioning and epilogue (per-channel bias, residual, activation) do the rest. A
/// strided 1×1 first subsamples its input into [C, OH·OW], which is smaller than the input, never an im2col matrix.
/// </summary>
internal static unsafe class ConvPointwise
{
    /// <summary>Off: 1×1 convolutions go through the implicit GEMM instead (for measuring).</summary>
    internal static bool Enabled = true;

    public static bool Applies(ConvGeometry g) =>
        g.KernelH == 1 && g.KernelW == 1 && g.Group == 1 && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    public static void Run(ConvGeometry g, float* x, float* w, float* y, in GemmEpilogue ep, WorkerPool pool)
    {
        int p = g.OutH * g.OutW;
        bool strided = g.StrideH != 1 || g.StrideW != 1;
        float* sub = strided ? ThreadScratch.Floats(ThreadScratch.ConvSubsample, (long)g.C * p) : null;
        float* packed = ThreadScratch.Floats(ThreadScratch.ConvPackB, PackedMatrix.PackedFloats(g.C, p));
        for (int n = 0; n < g.N; n++)
        {
            float* xn = x + (long)n * g.C * g.H * g.W;
            if (strided)
            {
                Subsample(g, xn, sub);
                xn = sub;
            }
            PackedMatrix.PackInto(xn, p, false, g.C, p, packed);
            var e = ep;
            if (e.Residual is not null)
            {
                e.Residual += (long)n * g.K * p;
                e.ResidualStride = p;
            }
            Sgemm.MultiplyPacked(g.K, p, g.C, 1f, w, g.C, false, packed, 0f, y + (long)n * g.K * p, p, e, pool);
        }
    }

    private static void Subsample(ConvGeometry g, float* x, float* dst)
    {
        int oh = g.OutH, ow = g.OutW, sh = g.StrideH, sw = g.StrideW;
        for (int c = 0; c < g.C; c++)
        {
            float* plane = x + (long)c * g.H * g.W;
            for (int i = 0; i < oh; i++)
            {
                float* src = plane + (long)i * sh * g.W;
                for (int j = 0; j < ow; j++)
                {
                    *dst++ = src[(long)j * sw];
                }
            }
        }
    }
}
