using Axon.Kernels.Elementwise;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Float32 broadcasting Add/Sub/Mul/Div/Max/Min on the vectorized binary loop.</summary>
[KernelFor("Add")]
[KernelFor("Sub")]
[KernelFor("Mul")]
[KernelFor("Div")]
internal sealed class BinaryKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var a = r.InputShape(0);
        var b = r.InputShape(1);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || a is null || b is null || y is null || r.Node.HasAttr("broadcast"))
        {
            return null;
        }
        return r.Node.OpType switch
        {
            "Add" => new Kernel<AddOp>(a, b, y),
            "Sub" => new Kernel<SubOp>(a, b, y),
            "Mul" => new Kernel<MulOp>(a, b, y),
            _ => new Kernel<DivOp>(a, b, y),
        };
    }

    private sealed class Kernel<TOp>(int[] a, int[] b, int[] y) : INodeKernel where TOp : struct, IBinaryOp
    {
        public string Name => $"binary.{typeof(TOp).Name.Replace("Op", "").ToLowerInvariant()}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool) =>
            Binary.Apply(default(TOp), inputs[0]!.Span<float>(), a, inputs[1]!.Span<float>(), b, outputs[0].Span<float>(), y);
    }
}

/// <summary>Float32 activations and unary math on the vectorized unary loop.</summary>
[KernelFor("Relu")]
[KernelFor("Sigmoid")]
[KernelFor("Tanh")]
[KernelFor("Gelu")]
[KernelFor("Erf")]
[KernelFor("Exp")]
[KernelFor("LeakyRelu")]
[KernelFor("HardSigmoid")]
[KernelFor("HardSwish")]
[KernelFor("Clip")]
internal sealed class UnaryKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        if (!r.AllFloat32 || r.InputShape(0) is null)
        {
            return null;
        }
        var n = r.Node;
        switch (n.OpType)
        {
            case "Relu": return new Kernel<ReluOp>(default);
            case "Sigmoid": return new Kernel<SigmoidOp>(default);
            case "Tanh": return new Kernel<TanhOp>(default);
            case "Erf": return new Kernel<ErfOp>(default);
            case "Exp": return new Kernel<ExpOp>(default);
            case "HardSwish": return new Kernel<HardSwishOp>(default);
            case "Gelu": return n.GetString("approximate", "none") == "tanh" ? new Kernel<GeluTanhOp>(default) : new Kernel<GeluOp>(default);
            case "LeakyRelu": return new Kernel<LeakyReluOp>(new LeakyReluOp(n.GetFloat("alpha", 0.01f)));
            case "HardSigmoid": return new Kernel<HardSigmoidOp>(new HardSigmoidOp(n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f)));
            case "Clip":
                {
                    float lo = float.NegativeInfinity, hi = float.PositiveInfinity;
                    if (r.Opset < 11)
                    {
                        lo = n.GetFloat("min", lo);
                        hi = n.GetFloat("max", hi);
                    }
                    else
                    {
                        if (r.HasInput(1))
                        {
                            if (r.Constants[1] is not { } tl)
                            {
                                return null;
                            }
                            lo = tl.Span<float>()[0];
                        }
                        if (r.HasInput(2))
                        {
                            if (r.Constants[2] is not { } th)
                            {
                                return null;
                            }
                            hi = th.Span<float>()[0];
                        }
                    }
                    return new Kernel<ClipOp>(new ClipOp(lo, hi));
                }
            default: return null;
        }
    }

    private sealed class Kernel<TOp>(TOp op) : INodeKernel where TOp : struct, IUnaryOp
    {
        public string Name => $"unary.{typeof(TOp).Name.Replace("Op", "").ToLowerInvariant()}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool) =>
            Unary.Apply(op, inputs[0]!.Span<float>(), outputs[0].Span<float>());
    }
}
