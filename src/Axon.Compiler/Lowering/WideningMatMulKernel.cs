using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:WideningMatMul(A, W_bf16|fp16, bias?, Z?): the stored half-width weight is widened to FP32 once, when the kernel
/// is built, and packed for the SGEMM (FP32 accumulation, bias/residual/activation in the epilogue). The artifact keeps
/// the half-width weights; only the loaded plan holds the FP32 panels.
/// </summary>
[KernelFor("WideningMatMul", Domain = "axon")]
internal sealed class WideningMatMulKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var a = r.InputShape(0);
        var y = r.OutputShape(0);
        if (a is not { Length: >= 1 } || y is null || r.Constants[1] is not { Rank: 2, DType: DType.BFloat16 or DType.Float16 } w
            || r.InputTypes[0]?.ElemType != DType.Float32 || FusedActivation.Of(r.Node) is not { } act)
        {
            return null;
        }
        int k = w.Shape[0], n = w.Shape[1];
        int rows = a[..^1].Aggregate(1, (p, v) => p * v);
        bool bias = r.HasInput(2), residual = r.HasInput(3);
        if (a[^1] != k || y.Aggregate(1L, (p, v) => p * v) != (long)rows * n
            || bias && !FusedActivation.IsRowVector(r.InputShape(2), n) || residual && !FusedActivation.IsFullResidual(r.InputShape(3), y))
        {
            return null;
        }
        var wide = new float[k * n];
        if (w.DType == DType.BFloat16)
        {
            var src = w.ReadOnlySpan<BFloat16>();
            for (int i = 0; i < wide.Length; i++)
            {
                wide[i] = src[i].ToFloat();
            }
        }
        else
        {
            var src = w.ReadOnlySpan<Half>();
            for (int i = 0; i < wide.Length; i++)
            {
                wide[i] = (float)src[i];
            }
        }
        return new Kernel(rows, n, k, PackedMatrix.PackB(wide, k, n), w.DType == DType.BFloat16 ? "bf16" : "fp16", bias, residual, act);
    }

    private sealed unsafe class Kernel(int m, int n, int k, PackedMatrix packed, string type, bool bias, bool residual, FusedActivation act) : INodeKernel
    {
        public string Name => $"sgemm.{Sgemm.Tier}.widened-{type}{(bias ? ".bias" : "")}{(residual ? ".residual" : "")}{act.Suffix}".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pa = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(),
                pb = bias ? inputs[2]!.Span<float>() : default, pz = residual ? inputs[3]!.Span<float>() : default)
            {
                var ep = act.Epilogue(n);
                ep.BiasN = bias ? pb : null;
                ep.Residual = residual ? pz : null;
                Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed, 0f, py, n, ep, pool);
            }
        }
    }
}
