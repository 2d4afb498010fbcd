using Axon.Graph;
using Axon.Kernels.Conv;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:NchwcConv(X, W, B?, Z?) on the blocked direct convolution: weights and bias reordered once here (compile or
/// load time), epilogue act(conv + bias + Z) in registers. X blocked [N, C/16, H, W, 16] or plain [N, C, H, W].
/// </summary>
[KernelFor("NchwcConv", Domain = "axon")]
internal sealed class NchwcConvKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        var w = r.InputShape(1);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || x is not { Length: 4 or 5 } || w is not { Length: 4 } || y is not { Length: 5 } || r.Constants[1] is not { } weights
            || (r.HasInput(2) && r.Constants[2] is null) || FusedActivation.Of(r.Node) is not { } act || r.Node.GetInt("group", 1) != 1)
        {
            return null;
        }
        bool plain = x.Length == 4;
        int c = w[1], h = x[2], wd = x[3];
        if ((plain ? x[1] != c : x[1] != Nchwc.Blocks(c) || x[4] != Nchwc.Block) || (r.HasInput(3) && !(r.InputShape(3) ?? []).SequenceEqual(y)))
        {
            return null;
        }
        var kernel = w[2..];
        var strides = WindowAttrs.Ints(r.Node, "strides", 2, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", 2, 1);
        if (WindowAttrs.Pads(r.Node, [h, wd], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        var g = new ConvGeometry(x[0], c, h, wd, w[0], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1]);
        try
        {
            g.Validate();
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (y[0] != g.N || y[1] != Nchwc.Blocks(g.K) || y[2] != g.OutH || y[3] != g.OutW)
        {
            return null;
        }
        var bias = r.HasInput(2) ? r.Constants[2]!.Span<float>() : default;
        if (!bias.IsEmpty && bias.Length != g.K)
        {
            return null;
        }
        if (!plain && WinogradConv.Choose(g) is var tile and > 0)
        {
            return new WinogradKernel(WinogradWeights.Pack(weights.Span<float>(), bias, g, tile), act, r.HasInput(3));
        }
        return new Kernel(NchwcConvWeights.Pack(weights.Span<float>(), bias, g, plain), act, r.HasInput(3));
    }

    /// <summary>3×3 stride 1 on enough tiles: Winograd F(4×4 or 2×2, 3×3) (<see cref="WinogradConv"/>; AXON_WINOGRAD=0 turns it off).</summary>
    private sealed unsafe class WinogradKernel(WinogradWeights weights, FusedActivation act, bool residual) : INodeKernel
    {
        public string Name => $"conv.winograd_f{weights.TileSize}x3.nchw16c." + WinogradConv.Tier.ToString().ToLowerInvariant() + (residual ? ".residual" : "") + act.Suffix;

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pz = residual ? inputs[3]!.Span<float>() : default)
            {
                WinogradConv.Run(px, weights, py, residual ? pz : null, act.Activation, act.Alpha, act.Beta, pool);
            }
        }
    }

    private sealed unsafe class Kernel(NchwcConvWeights weights, FusedActivation act, bool residual) : INodeKernel
    {
        public string Name => "conv.nchw16c." + NchwcConv.Tier.ToString().ToLowerInvariant() + (weights.PlainInput ? ".plain_input" : "")
            + (residual ? ".residual" : "") + act.Suffix;

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pz = residual ? inputs[3]!.Span<float>() : default)
            {
                NchwcConv.Run(px, weights, py, residual ? pz : null, act.Activation, act.Alpha, act.Beta, pool);
            }
        }
    }
}

/// <summary>axon:ReorderToNchwc and axon:ReorderFromNchwc: the layout region's edges.</summary>
[KernelFor("ReorderToNchwc", Domain = "axon")]
[KernelFor("ReorderFromNchwc", Domain = "axon")]
internal sealed class NchwcReorderKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        bool to = r.Node.OpType == "ReorderToNchwc";
        var plain = to ? r.InputShape(0) : r.OutputShape(0);
        if (!r.AllFloat32 || plain is not { Length: 4 })
        {
            return null;
        }
        return new Kernel(to, plain[0], plain[1], plain[2] * plain[3]);
    }

    private sealed unsafe class Kernel(bool to, int n, int c, int plane) : INodeKernel
    {
        public string Name => to ? "reorder.to_nchw16c" : "reorder.from_nchw16c";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>())
            {
                if (to)
                {
                    Nchwc.ToBlocked(px, py, n, c, plane, pool);
                }
                else
                {
                    Nchwc.FromBlocked(px, py, n, c, plane, pool);
                }
            }
        }
    }
}

/// <summary>axon:NchwcMaxPool / NchwcAveragePool (blocked in and out) and NchwcGlobalAveragePool (blocked in, plain out).</summary>
[KernelFor("NchwcMaxPool", Domain = "axon")]
[KernelFor("NchwcAveragePool", Domain = "axon")]
[KernelFor("NchwcGlobalAveragePool", Domain = "axon")]
internal sealed class NchwcPoolKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        int c = (int)r.Node.GetInt("channels", -1);
        if (!r.AllFloat32 || x is not { Length: 5 } || c < 1 || x[1] != Nchwc.Blocks(c) || x[4] != Nchwc.Block || r.OutputShape(0) is null)
        {
            return null;
        }
        if (r.Node.OpType == "NchwcGlobalAveragePool")
        {
            return new Kernel(null, Op.Global, false, x[0], c, x[2] * x[3]);
        }
        var kernel = WindowAttrs.Ints(r.Node, "kernel_shape", 2, 0);
        var strides = WindowAttrs.Ints(r.Node, "strides", 2, 1);
        var dil = WindowAttrs.Ints(r.Node, "dilations", 2, 1);
        bool avg = r.Node.OpType == "NchwcAveragePool";
        if (kernel.Any(k => k <= 0) || (avg && dil.Any(v => v != 1)) || WindowAttrs.Pads(r.Node, x[2..4], kernel, strides, dil) is not var (pb, pe))
        {
            return null;
        }
        var g = new PoolGeometry(x[0], c, x[2], x[3], kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1],
            dil[0], dil[1], r.Node.GetInt("ceil_mode", 0) != 0);
        if (g.OutH < 1 || g.OutW < 1 || !r.OutputShape(0)!.SequenceEqual(new[] { g.N, x[1], g.OutH, g.OutW, Nchwc.Block }))
        {
            return null;
        }
        return new Kernel(g, avg ? Op.Average : Op.Max, r.Node.GetInt("count_include_pad", 0) != 0, 0, 0, 0);
    }

    private enum Op { Max, Average, Global }

    private sealed unsafe class Kernel(PoolGeometry? g, Op op, bool countIncludePad, int n, int c, int plane) : INodeKernel
    {
        public string Name => op switch { Op.Max => "pool.max.nchw16c", Op.Average => "pool.average.nchw16c", _ => "pool.global_average.nchw16c" };

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>())
            {
                switch (op)
                {
                    case Op.Max:
                        NchwcPooling.MaxPool(px, py, g!, pool);
                        break;
                    case Op.Average:
                        NchwcPooling.AveragePool(px, py, g!, countIncludePad, pool);
                        break;
                    default:
                        NchwcPooling.GlobalAverage(px, py, n, c, plane, pool);
                        break;
                }
            }
        }
    }
}
