using Axon.Graph;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Resolves ONNX convolution/pooling attributes (auto_pad, pads, strides, dilations) for 1-D and 2-D windows.</summary>
internal static class WindowAttrs
{
    /// <summary>Explicit (begin, end) pads per spatial axis, or null when the attributes are not supported here.</summary>
    public static (int[] Begin, int[] End)? Pads(Node n, int[] spatial, int[] kernel, int[] strides, int[] dilations)
    {
        int d = spatial.Length;
        var begin = new int[d];
        var end = new int[d];
        string autoPad = n.GetString("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int i = 0; i < d; i++)
            {
                int outSize = (spatial[i] + strides[i] - 1) / strides[i];
                int total = Math.Max(0, (outSize - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i]);
                begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            }
            return (begin, end);
        }
        if (autoPad is not ("NOTSET" or "VALID"))
        {
            return null;
        }
        if (autoPad == "NOTSET" && n.GetInts("pads") is { } pads)
        {
            if (pads.Length != 2 * d)
            {
                return null;
            }
            for (int i = 0; i < d; i++)
            {
                begin[i] = (int)pads[i];
                end[i] = (int)pads[i + d];
            }
        }
        return (begin, end);
    }

    public static int[] Ints(Node n, string name, int count, int def) =>
        n.GetInts(name) is { } v && v.Length == count ? v.Select(x => (int)x).ToArray() : Enumerable.Repeat(def, count).ToArray();
}

/// <summary>Conv (1-D and 2-D, float32, constant weights) on the packed implicit-GEMM and depthwise kernels, bias fused.</summary>
[KernelFor("Conv")]
internal sealed class ConvKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) => Create(r, FusedActivation.None, residual: false);

    /// <summary>
    /// The Conv kernel, optionally with the fused epilogue of axon:FusedConv: + Z (input 3, the output's full NCHW shape)
    /// and an activation, applied per output tile after the bias.
    /// </summary>
    internal static INodeKernel? Create(KernelRequest r, FusedActivation act, bool residual)
    {
        var x = r.InputShape(0);
        var w = r.InputShape(1);
        var y = r.OutputShape(0);
        if (residual && !FusedActivation.IsFullResidual(r.InputShape(3), y))
        {
            return null;
        }
        if (!r.AllFloat32 || x is null || w is null || y is null || r.Constants[1] is not { } weights || x.Length is not (3 or 4) || w.Length != x.Length)
        {
            return null;
        }
        if (r.HasInput(2) && r.Constants[2] is null)
        {
            return null;
        }
        int d = x.Length - 2;
        var kernel = w[2..];
        var strides = WindowAttrs.Ints(r.Node, "strides", d, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", d, 1);
        if (WindowAttrs.Pads(r.Node, x[2..], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        int group = (int)r.Node.GetInt("group", 1);
        var g = d == 1
            ? ConvGeometry.Conv1d(x[0], x[1], x[2], w[0], kernel[0], strides[0], pb[0], pe[0], dil[0], group)
            : new ConvGeometry(x[0], x[1], x[2], x[3], w[0], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], group);
        if (g.OutputElements != Tensor.CheckedLength(y) || w[1] * group != x[1])
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
        var packed = ConvWeights.Pack(weights.Span<float>(), g);
        var bias = r.HasInput(2) ? r.Constants[2]!.ToArray<float>() : null;
        if (bias is not null && bias.Length != g.K)
        {
            return null;
        }
        return new Kernel(packed, bias, act, residual);
    }

    private sealed unsafe class Kernel(ConvWeights weights, float[]? bias, FusedActivation act, bool residual) : INodeKernel
    {
        public string Name => (weights.Geometry.IsDepthwise ? "conv.depthwise." : "conv.igemm.") + Conv2d.Tier.ToString().ToLowerInvariant()
            + (residual ? ".residual" : "") + act.Suffix;

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pb = bias, pz = residual ? inputs[3]!.Span<float>() : default)
            {
                var ep = act.Epilogue(0);
                ep.BiasM = pb;
                ep.Residual = residual ? pz : null;
                Conv2d.Run(px, weights, py, ep, pool);
            }
        }
    }
}

/// <summary>MaxPool (without the Indices output) and AveragePool, 2-D float32.</summary>
[KernelFor("MaxPool")]
[KernelFor("AveragePool")]
internal sealed class PoolKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || x is not { Length: 4 } || y is null || r.Node.Outputs.Count > 1 && r.Node.Outputs[1].Length > 0
            || r.Node.GetInt("storage_order", 0) != 0)
        {
            return null;
        }
        var kernel = WindowAttrs.Ints(r.Node, "kernel_shape", 2, 0);
        if (kernel.Any(k => k <= 0))
        {
            return null;
        }
        var strides = WindowAttrs.Ints(r.Node, "strides", 2, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", 2, 1);
        bool avg = r.Node.OpType == "AveragePool";
        if (avg && dil.Any(v => v != 1) || WindowAttrs.Pads(r.Node, x[2..], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        var g = new PoolGeometry(x[0], x[1], x[2], x[3], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1],
            dil[0], dil[1], r.Node.GetInt("ceil_mode", 0) != 0);
        if (g.OutputElements != Tensor.CheckedLength(y))
        {
            return null;
        }
        return new Kernel(g, avg, r.Node.GetInt("count_include_pad", 0) != 0);
    }

    private sealed unsafe class Kernel(PoolGeometry g, bool avg, bool countIncludePad) : INodeKernel
    {
        public string Name => avg ? "pool.average" : "pool.max";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>())
            {
                if (avg)
                {
                    Pooling.AveragePool(px, py, g, countIncludePad, pool);
                }
                else
                {
                    Pooling.MaxPool(px, py, g, pool);
                }
            }
        }
    }
}

/// <summary>GlobalAveragePool / GlobalMaxPool over the spatial plane of each (n, c).</summary>
[KernelFor("GlobalAveragePool")]
[KernelFor("GlobalMaxPool")]
internal sealed class GlobalPoolKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        if (!r.AllFloat32 || x is null || x.Length < 3)
        {
            return null;
        }
        int plane = x[2..].Aggregate(1, (p, v) => p * v);
        return new Kernel(x[0] * x[1], plane, r.Node.OpType == "GlobalAveragePool");
    }

    private sealed unsafe class Kernel(int planes, int planeSize, bool avg) : INodeKernel
    {
        public string Name => avg ? "pool.global_average" : "pool.global_max";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>())
            {
                if (avg)
                {
                    GlobalPooling.Average(px, py, planes, planeSize, pool);
                }
                else
                {
                    GlobalPooling.Max(px, py, planes, planeSize, pool);
                }
            }
        }
    }
}
