using Axon.Graph;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// Kernels the training graph needs: Conv whose weights are graph inputs (parameters change every step, so the weights
/// are packed per run instead of once at plan time) and the axon gradient ops ConvGradWeight, ConvGradInput,
/// ConvGradBias (on <see cref="ConvBackward"/>), MaxPoolGrad and ReluGrad (2-D float32).
/// </summary>
internal static class TrainingGeometry
{
    /// <summary>The 2-D convolution geometry of a Conv-like node from X's and W's static shapes, or null.</summary>
    public static ConvGeometry? Conv(Node node, int[]? x, int[]? w)
    {
        if (x is not { Length: 4 } || w is not { Length: 4 })
        {
            return null;
        }
        var kernel = w[2..];
        var strides = WindowAttrs.Ints(node, "strides", 2, 1);
        var dil = WindowAttrs.Ints(node, "dilations", 2, 1);
        if (WindowAttrs.Pads(node, x[2..], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        int group = (int)node.GetInt("group", 1);
        var g = new ConvGeometry(x[0], x[1], x[2], x[3], w[0], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], group);
        if (w[1] * group != x[1])
        {
            return null;
        }
        try
        {
            g.Validate();
        }
        catch (ArgumentException)
        {
            return null;
        }
        return g;
    }
}

/// <summary>Conv with runtime (non-constant) weights: packs them on every run, then the same implicit-GEMM kernel.</summary>
[KernelFor("Conv")]
internal sealed class ConvRuntimeWeightsProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        if (!r.AllFloat32 || r.Constants[1] is not null || TrainingGeometry.Conv(r.Node, r.InputShape(0), r.InputShape(1)) is not { } g)
        {
            return null;
        }
        return r.OutputShape(0) is { } y && g.OutputElements == Tensor.CheckedLength(y) ? new Kernel(g, r.HasInput(2)) : null;
    }

    private sealed unsafe class Kernel(ConvGeometry g, bool hasBias) : INodeKernel
    {
        public string Name => "conv.igemm.runtime-weights";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            using var packed = ConvWeights.Pack(inputs[1]!.ReadOnlySpan<float>(), g);
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pb = hasBias ? inputs[2]!.Span<float>() : default)
            {
                var ep = default(GemmEpilogue);
                ep.BiasM = pb;
                Conv2d.Run(px, packed, py, ep, pool);
            }
        }
    }
}

/// <summary>axon:ConvGradWeight(X, dY, W) on the SGEMM.</summary>
[KernelFor("ConvGradWeight", Domain = "axon")]
internal sealed class ConvGradWeightProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && TrainingGeometry.Conv(r.Node, r.InputShape(0), r.InputShape(2)) is { } g ? new Kernel(g) : null;

    private sealed unsafe class Kernel(ConvGeometry g) : INodeKernel
    {
        public string Name => "conv.grad-weight.sgemm";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), pdy = inputs[1]!.Span<float>(), pdw = outputs[0].Span<float>())
            {
                ConvBackward.GradWeight(g, px, pdy, pdw, pool);
            }
        }
    }
}

/// <summary>axon:ConvGradInput(dY, W, X) on the SGEMM and col2im.</summary>
[KernelFor("ConvGradInput", Domain = "axon")]
internal sealed class ConvGradInputProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && TrainingGeometry.Conv(r.Node, r.InputShape(2), r.InputShape(1)) is { } g ? new Kernel(g) : null;

    private sealed unsafe class Kernel(ConvGeometry g) : INodeKernel
    {
        public string Name => "conv.grad-input.sgemm";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pdy = inputs[0]!.Span<float>(), pw = inputs[1]!.Span<float>(), pdx = outputs[0].Span<float>())
            {
                ConvBackward.GradInput(g, pw, pdy, pdx, pool);
            }
        }
    }
}

/// <summary>axon:ConvGradBias(dY): per-channel sums.</summary>
[KernelFor("ConvGradBias", Domain = "axon")]
internal sealed class ConvGradBiasProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && r.InputShape(0) is { Length: >= 2 } dy ? new Kernel(dy[0], dy[1], dy.Skip(2).Aggregate(1, (a, b) => a * b)) : null;

    private sealed unsafe class Kernel(int n, int k, int plane) : INodeKernel
    {
        public string Name => "conv.grad-bias";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pdy = inputs[0]!.Span<float>(), pdb = outputs[0].Span<float>())
            {
                ConvBackward.GradBias(pdy, pdb, n, k, plane);
            }
        }
    }
}

/// <summary>axon:ReluGrad(dY, X): dX = dY where X &gt; 0, else 0.</summary>
[KernelFor("ReluGrad", Domain = "axon")]
internal sealed class ReluGradProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && r.InputShape(0) is { } a && r.InputShape(1) is { } b && a.AsSpan().SequenceEqual(b) ? new Kernel() : null;

    private sealed class Kernel : INodeKernel
    {
        public string Name => "relu-grad";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var dy = inputs[0]!.ReadOnlySpan<float>();
            var x = inputs[1]!.ReadOnlySpan<float>();
            var dx = outputs[0].Span<float>();
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                var vdy = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(dy);
                var vx = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(x);
                var vdx = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(dx);
                for (int k = 0; k < vdx.Length; k++)
                {
                    vdx[k] = System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(vx[k], System.Numerics.Vector<float>.Zero), vdy[k], System.Numerics.Vector<float>.Zero);
                }
                i = vdx.Length * System.Numerics.Vector<float>.Count;
            }
            for (; i < dx.Length; i++)
            {
                dx[i] = x[i] > 0 ? dy[i] : 0f;
            }
        }
    }
}

/// <summary>axon:MaxPoolGrad(dY, X), 2-D: each dY element goes to the first maximum of its window in X.</summary>
[KernelFor("MaxPoolGrad", Domain = "axon")]
internal sealed class MaxPoolGradProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var dy = r.InputShape(0);
        var x = r.InputShape(1);
        if (!r.AllFloat32 || x is not { Length: 4 } || dy is not { Length: 4 })
        {
            return null;
        }
        var kernel = WindowAttrs.Ints(r.Node, "kernel_shape", 2, 0);
        var strides = WindowAttrs.Ints(r.Node, "strides", 2, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", 2, 1);
        if (kernel.Any(k => k <= 0) || WindowAttrs.Pads(r.Node, x[2..], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        var g = new PoolGeometry(x[0], x[1], x[2], x[3], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1],
            dil[0], dil[1], r.Node.GetInt("ceil_mode", 0) != 0);
        return g.OutH == dy[2] && g.OutW == dy[3] && dy[0] == x[0] && dy[1] == x[1] ? new Kernel(g) : null;
    }

    private sealed class Kernel(PoolGeometry g) : INodeKernel
    {
        public string Name => "pool.max-grad";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var dy = inputs[0]!.ReadOnlySpan<float>();
            var x = inputs[1]!.ReadOnlySpan<float>();
            var dx = outputs[0].Span<float>();
            dx.Clear();
            int inPlane = g.H * g.W, outPlane = g.OutH * g.OutW;
            for (int p = 0; p < g.N * g.C; p++)
            {
                var xp = x.Slice(p * inPlane, inPlane);
                var dxp = dx.Slice(p * inPlane, inPlane);
                var dyp = dy.Slice(p * outPlane, outPlane);
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        int best = -1;
                        float bv = float.NegativeInfinity;
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                            if ((uint)ih >= (uint)g.H)
                            {
                                continue;
                            }
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                if ((uint)iw >= (uint)g.W)
                                {
                                    continue;
                                }
                                float v = xp[ih * g.W + iw];
                                if (v > bv || best < 0 && !float.IsNaN(v))
                                {
                                    bv = v;
                                    best = ih * g.W + iw;
                                }
                            }
                        }
                        if (best >= 0)
                        {
                            dxp[best] += dyp[oh * g.OutW + ow];
                        }
                    }
                }
            }
        }
    }
}
