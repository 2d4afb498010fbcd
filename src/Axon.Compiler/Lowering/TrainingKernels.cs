using Axon.Graph;
using Axon.Kernels.Conv;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Geometry of a 2-D float32 convolution node from its static shapes (null when the fast path does not apply).</summary>
internal static class TrainingConvGeometry
{
    public static ConvGeometry? From(Node node, int[]? x, int[]? w)
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
        if (w[1] * group != x[1] || w[0] % group != 0)
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

/// <summary>
/// Conv whose weights are a runtime input (a training graph feeds parameters each step): the weights are packed on
/// every run, then the same implicit-GEMM kernel as inference runs. Constant weights are left to the inference provider.
/// </summary>
[KernelFor("Conv")]
internal sealed class DynamicWeightConvKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        if (!r.AllFloat32 || r.Constants[1] is not null || TrainingConvGeometry.From(r.Node, r.InputShape(0), r.InputShape(1)) is not { } g
            || r.OutputShape(0) is not { } y || g.OutputElements != Tensor.CheckedLength(y) || r.HasInput(2) && r.InputShape(2) is not [var k] || r.HasInput(2) && r.InputShape(2)![0] != g.K)
        {
            return null;
        }
        return new Kernel(g, r.HasInput(2));
    }

    private sealed unsafe class Kernel(ConvGeometry g, bool bias) : INodeKernel
    {
        public string Name => "conv.igemm.dynamic-weights." + Conv2d.Tier.ToString().ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            using var packed = ConvWeights.Pack(inputs[1]!.Span<float>(), g);
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pb = bias ? inputs[2]!.Span<float>() : default)
            {
                var ep = default(Axon.Kernels.Gemm.GemmEpilogue);
                ep.BiasM = bias ? pb : null;
                Conv2d.Run(px, packed, py, ep, pool);
            }
        }
    }
}

/// <summary>axon:ConvGradInput(dY, W, X) and axon:ConvGradWeight(X, dY, W) on the SGEMM (im2col / col2im).</summary>
[KernelFor("ConvGradInput", Domain = "axon")]
[KernelFor("ConvGradWeight", Domain = "axon")]
internal sealed class ConvGradKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        bool input = r.Node.OpType == "ConvGradInput";
        var x = r.InputShape(input ? 2 : 0);
        var w = r.InputShape(input ? 1 : 2);
        var dy = r.InputShape(input ? 0 : 1);
        if (!r.AllFloat32 || TrainingConvGeometry.From(r.Node, x, w) is not { } g || dy is null
            || Tensor.CheckedLength(dy) != g.OutputElements || dy[1] != g.K)
        {
            return null;
        }
        return new Kernel(g, input);
    }

    private sealed unsafe class Kernel(ConvGeometry g, bool input) : INodeKernel
    {
        public string Name => input ? "conv.grad-input.sgemm" : "conv.grad-weight.sgemm";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* a = inputs[0]!.Span<float>(), b = inputs[1]!.Span<float>(), o = outputs[0].Span<float>())
            {
                if (input)
                {
                    ConvBackward.GradInput(g, b, a, o, pool);
                }
                else
                {
                    ConvBackward.GradWeight(g, a, b, o, pool);
                }
            }
        }
    }
}

/// <summary>axon:ConvGradBias(dY): per-channel sums of a float32 [N, K, ...] gradient.</summary>
[KernelFor("ConvGradBias", Domain = "axon")]
internal sealed class ConvGradBiasKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && r.InputShape(0) is { Length: >= 2 } dy ? new Kernel(dy[0], dy[1], dy[2..].Aggregate(1, (p, v) => p * v)) : null;

    private sealed unsafe class Kernel(int n, int k, int plane) : INodeKernel
    {
        public string Name => "conv.grad-bias";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* dy = inputs[0]!.Span<float>(), db = outputs[0].Span<float>())
            {
                ConvBackward.GradBias(dy, db, n, k, plane);
            }
        }
    }
}

/// <summary>axon:MaxPoolGrad(dY, X), 2-D float32, without storage_order.</summary>
[KernelFor("MaxPoolGrad", Domain = "axon")]
internal sealed class MaxPoolGradKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(1);
        var dy = r.InputShape(0);
        if (!r.AllFloat32 || x is not { Length: 4 } || dy is null)
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
        return g.OutputElements == Tensor.CheckedLength(dy) ? new Kernel(g) : null;
    }

    private sealed unsafe class Kernel(PoolGeometry g) : INodeKernel
    {
        public string Name => "pool.max.grad";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* dy = inputs[0]!.Span<float>(), x = inputs[1]!.Span<float>(), dx = outputs[0].Span<float>())
            {
                PoolBackward.MaxPoolGrad(x, dy, dx, g, pool);
            }
        }
    }
}

/// <summary>axon:ReluGrad(dY, Y): dX = dY where Y &gt; 0, float32.</summary>
[KernelFor("ReluGrad", Domain = "axon")]
internal sealed class ReluGradKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && r.InputShape(0) is { } a && r.InputShape(1) is { } b && a.AsSpan().SequenceEqual(b) ? new Kernel() : null;

    private sealed class Kernel : INodeKernel
    {
        public string Name => "relu.grad";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var dy = inputs[0]!.Span<float>();
            var y = inputs[1]!.Span<float>();
            var dx = outputs[0].Span<float>();
            int i = 0;
            if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            {
                ref float pdy = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dy);
                ref float py = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
                ref float pdx = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dx);
                for (; i <= dx.Length - 8; i += 8)
                {
                    var keep = System.Runtime.Intrinsics.Vector256.GreaterThan(System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref py, (nuint)i), System.Runtime.Intrinsics.Vector256<float>.Zero);
                    System.Runtime.Intrinsics.Vector256.StoreUnsafe(System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref pdy, (nuint)i) & keep, ref pdx, (nuint)i);
                }
            }
            for (; i < dx.Length; i++)
            {
                dx[i] = y[i] > 0 ? dy[i] : 0f;
            }
        }
    }
}
