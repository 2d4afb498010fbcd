using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Axon.Graph;
using Axon.Graph.Ops;
using Axon.Kernels.Elementwise;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>axon:FusedElementwise on the one-pass chain kernel: the program becomes kernel steps, each input a broadcast layout.</summary>
[KernelFor("FusedElementwise", Domain = "axon")]
internal sealed class FusedElementwiseKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || y is null || r.Node.Inputs.Count > ElementwiseChain.MaxInputs
            || !ElementwiseProgram.TryParse(r.Node.GetString("program", ""), out var program, out _, r.Node.Inputs.Count)
            || program!.Steps.Count > ElementwiseChain.MaxSteps)
        {
            return null;
        }
        var layout = new ChainInput[r.Node.Inputs.Count];
        for (int i = 0; i < layout.Length; i++)
        {
            if (r.InputShape(i) is not { } s || Layout(s, y) is not { } l)
            {
                return null;
            }
            layout[i] = l;
        }
        var steps = new ChainInstr[program.Steps.Count];
        for (int k = 0; k < steps.Length; k++)
        {
            var s = program.Steps[k];
            int Operand(int j)
            {
                if (j >= s.Operands.Count)
                {
                    return 0;
                }
                var (input, idx) = ElementwiseStep.Decode(s.Operands[j]);
                return input ? idx : -idx - 1;
            }
            var op = Enum.Parse<ChainOp>(s.Op);
            (float alpha, float beta) = op switch
            {
                ChainOp.LeakyRelu => (s.Param("alpha", 0.01f), 0f),
                ChainOp.HardSigmoid => (s.Param("alpha", 0.2f), s.Param("beta", 0.5f)),
                ChainOp.Clip => (s.Param("min", float.NegativeInfinity), s.Param("max", float.PositiveInfinity)),
                _ => (0f, 0f),
            };
            steps[k] = new ChainInstr(op, Operand(0), Operand(1), alpha, beta);
        }
        long total = y.Aggregate(1L, (a, b) => a * b);
        return new Kernel(steps, layout, total);
    }

    /// <summary>(inner, count) for an input whose non-1 axes form one block matching the output there; null otherwise.</summary>
    internal static ChainInput? Layout(int[] s, int[] y)
    {
        if (s.Length > y.Length)
        {
            return null;
        }
        int shift = y.Length - s.Length, lo = -1, hi = -1;
        for (int d = 0; d < s.Length; d++)
        {
            if (s[d] == 1)
            {
                continue;
            }
            if (s[d] != y[d + shift] || (hi >= 0 && hi != d - 1))
            {
                return null;
            }
            lo = lo < 0 ? d : lo;
            hi = d;
        }
        if (lo < 0)
        {
            return new ChainInput(1, 1);
        }
        long inner = 1, count = 1;
        for (int d = hi + shift + 1; d < y.Length; d++)
        {
            inner *= y[d];
        }
        for (int d = lo; d <= hi; d++)
        {
            count *= s[d];
        }
        long total = y.Aggregate(1L, (a, b) => a * b);
        return inner == 1 && count == total ? new ChainInput(1, total) : new ChainInput(inner, count);
    }

    private sealed unsafe class Kernel(ChainInstr[] steps, ChainInput[] layout, long total) : INodeKernel
    {
        public string Name => $"elementwise-chain.{steps.Length}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            // Tensor memory is pinned (AlignedBuffer), so raw addresses stay valid for the call.
            Span<nint> ptrs = stackalloc nint[layout.Length];
            for (int i = 0; i < layout.Length; i++)
            {
                ptrs[i] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(inputs[i]!.Span<float>()));
            }
            float* y = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(outputs[0].Span<float>()));
            ElementwiseChain.Run(steps, layout, ptrs, y, total, pool);
        }
    }
}
