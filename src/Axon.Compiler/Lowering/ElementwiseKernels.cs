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

    private sealed unsafe class Kernel<TOp>(TOp op) : INodeKernel where TOp : struct, IUnaryOp
    {
        /// <summary>
        /// Below this many elements one thread does it all: 2^17 floats are ~13 µs of Relu and ~80 µs of Exp here, well
        /// above a pool hand-off.
        /// </summary>
        private const int ParallelElements = 1 << 17;

        public string Name => $"unary.{typeof(TOp).Name.Replace("Op", "").ToLowerInvariant()}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var x = inputs[0]!.Span<float>();
            var y = outputs[0].Span<float>();
            if (pool.Threads == 1 || x.Length < ParallelElements)
            {
                Unary.Apply(op, x, y);
                return;
            }
            // Chunks of at least 2^15 elements, up to eight per thread: the pool hands indices out as threads arrive, so a
            // helper the scheduler wakes late still takes a share instead of the caller doing every equal half alone.
            int chunks = Math.Max(pool.Threads, Math.Min(x.Length >> 15, 8 * pool.Threads));
            fixed (float* px = x, py = y)
            {
                pool.For(chunks, new Body { Op = op, X = px, Y = py, N = x.Length, Chunks = chunks });
            }
        }

        private struct Body : IParallelBody
        {
            public TOp Op;
            public float* X, Y;
            public int N, Chunks;

            // Equal ranges cut at multiples of 8, so every element takes the same path (vector, or the one global tail)
            // as on one thread: results do not depend on the thread count.
            public readonly void Invoke(int c)
            {
                int i0 = (int)((long)N * c / Chunks) & ~7, i1 = c == Chunks - 1 ? N : (int)((long)N * (c + 1) / Chunks) & ~7;
                Unary.Apply(Op, new ReadOnlySpan<float>(X + i0, i1 - i0), new Span<float>(Y + i0, i1 - i0));
            }
        }
    }
}
