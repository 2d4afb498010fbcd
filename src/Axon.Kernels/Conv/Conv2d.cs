using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// FP32 NCHW convolution with a fused epilogue. Depthwise convolutions (group = C = K) run a direct vectorized kernel;
/// everything else (1×1, 3×3, 7×7 stems, grouped, dilated) runs the implicit GEMM in <see cref="ConvGemm"/>.
/// </summary>
public static unsafe class Conv2d
{
    /// <summary>The instruction tier the convolution kernels run at in this process (tests assert it).</summary>
    public static KernelTier Tier => MicroKernel.Tier;

    /// <summary>
    /// y = act(conv(x, w) + bias + residual). The epilogue's <see cref="GemmEpilogue.BiasM"/> is the per-output-channel
    /// bias [K]; <see cref="GemmEpilogue.Residual"/>, when set, has the output's NCHW shape (its stride is ignored);
    /// <see cref="GemmEpilogue.BiasN"/> must be null. <paramref name="y"/> must alias neither <paramref name="x"/> nor the
    /// residual: deep convolutions store partial sums in y before the epilogue reads the residual.
    /// </summary>
    public static void Run(float* x, ConvWeights w, float* y, in GemmEpilogue epilogue = default, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        if (epilogue.BiasN is not null)
        {
            throw new ArgumentException("a convolution's bias is per output channel: use BiasM");
        }
        if (g.N == 0)
        {
            return;
        }
        pool ??= WorkerPool.Default;
        if (g.IsDepthwise)
        {
            DepthwiseConv.Run(g, x, w.Pointer, y, epilogue, pool);
        }
        else if (w.Raw is not null && ConvPointwise.Enabled)
        {
            ConvPointwise.Run(g, x, w.Raw, y, epilogue, pool);
        }
        else
        {
            ConvGemm.Run(g, x, w, y, epilogue, pool);
        }
    }

    /// <summary>Span overload: checks lengths, then runs <see cref="Run(float*, ConvWeights, float*, in GemmEpilogue, WorkerPool?)"/>.</summary>
    public static void Run(ReadOnlySpan<float> x, ConvWeights w, Span<float> y, ReadOnlySpan<float> bias = default,
        ReadOnlySpan<float> residual = default, Activation activation = Activation.None, float actAlpha = 0, float actBeta = 0,
        WorkerPool? pool = null)
    {
        var g = w.Geometry;
        if (x.Length < g.InputElements || y.Length < g.OutputElements)
        {
            throw new ArgumentException($"convolution needs {g.InputElements} inputs and {g.OutputElements} outputs, got {x.Length} and {y.Length}");
        }
        if ((!bias.IsEmpty && bias.Length < g.K) || (!residual.IsEmpty && residual.Length < g.OutputElements))
        {
            throw new ArgumentException("bias needs K elements and residual the output's size");
        }
        fixed (float* px = x, py = y, pb = bias, pr = residual)
        {
            var ep = new GemmEpilogue
            {
                BiasM = bias.IsEmpty ? null : pb, Residual = residual.IsEmpty ? null : pr, Activation = activation,
                ActAlpha = actAlpha, ActBeta = actBeta,
            };
            Run(px, w, py, ep, pool);
        }
    }
}
