using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Gemm: Y = alpha·op(A)·op(B) + beta·C with C broadcast. Constant B is packed once; a bias row C is fused as the epilogue.</summary>
[KernelFor("Gemm")]
internal sealed class GemmKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) => Create(r, FusedActivation.None, residual: false);

    /// <summary>
    /// The Gemm kernel, optionally with the fused epilogue of axon:FusedGemm: + Z (input 3, the output's full shape) and
    /// an activation, applied in the GEMM's epilogue after beta·C.
    /// </summary>
    internal static INodeKernel? Create(KernelRequest r, FusedActivation act, bool residual)
    {
        var a = r.InputShape(0);
        var b = r.InputShape(1);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || a is not { Length: 2 } || b is not { Length: 2 } || y is not { Length: 2 })
        {
            return null;
        }
        bool ta = r.Node.GetInt("transA", 0) != 0;
        bool tb = r.Node.GetInt("transB", 0) != 0;
        float alpha = r.Node.GetFloat("alpha", 1f);
        float beta = r.Node.GetFloat("beta", 1f);
        int m = y[0], n = y[1];
        int k = ta ? a[0] : a[1];
        int[]? c = r.HasInput(2) ? r.InputShape(2) : null;
        if (r.HasInput(2) && c is null)
        {
            return null;
        }
        // Bias forms handled: none, [N] or [1,N] (row bias, fused), [M,N] (residual-like, via beta), scalar.
        var biasKind = c is null ? Bias.None
            : c.Aggregate(1, (p, v) => p * v) == 1 ? Bias.Scalar
            : (c.Length == 1 && c[0] == n) || (c.Length == 2 && c[0] == 1 && c[1] == n) ? Bias.Row
            : c.Length == 2 && c[0] == m && c[1] == n ? Bias.Full
            : Bias.Unsupported;
        if (biasKind == Bias.Unsupported || residual && !FusedActivation.IsFullResidual(r.InputShape(3), y))
        {
            return null;
        }
        var packed = r.Constants[1] is { } w ? PackedMatrix.PackB(w.Span<float>(), k, n, tb) : null;
        float[]? rowBias = null;
        if (biasKind == Bias.Row && r.Constants[2] is { } cb)
        {
            rowBias = cb.ToArray<float>();
            for (int j = 0; j < rowBias.Length; j++)
            {
                rowBias[j] *= beta;
            }
        }
        return new Kernel(m, n, k, ta, tb, alpha, beta, packed, biasKind, rowBias, act, residual);
    }

    private enum Bias
    {
        None,
        Scalar,
        Row,
        Full,
        Unsupported,
    }

    private sealed unsafe class Kernel(int m, int n, int k, bool ta, bool tb, float alpha, float beta, PackedMatrix? packed, Bias bias, float[]? rowBias, FusedActivation act, bool residual) : INodeKernel
    {
        public string Name => $"sgemm.{Sgemm.Tier}{(packed is null ? "" : ".prepacked")}{(bias == Bias.Row ? ".bias" : "")}{(residual ? ".residual" : "")}{act.Suffix}".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var y = outputs[0].Span<float>();
            float outBeta = 0f;
            float[]? biasRow = rowBias;
            if (bias == Bias.Full)
            {
                inputs[2]!.Span<float>().CopyTo(y);
                outBeta = beta;
            }
            else if (bias == Bias.Scalar)
            {
                y.Fill(inputs[2]!.Span<float>()[0] * beta);
                outBeta = 1f;
            }
            else if (bias == Bias.Row && biasRow is null)
            {
                biasRow = inputs[2]!.ToArray<float>();
                for (int j = 0; j < biasRow.Length; j++)
                {
                    biasRow[j] *= beta;
                }
            }
            fixed (float* pa = inputs[0]!.Span<float>(), pb = inputs[1]!.Span<float>(), py = y, pbias = biasRow,
                pz = residual ? inputs[3]!.Span<float>() : default)
            {
                var ep = act.Epilogue(n);
                ep.BiasN = bias == Bias.Row ? pbias : null;
                ep.Residual = residual ? pz : null;
                int lda = ta ? m : k;
                if (packed is not null)
                {
                    Sgemm.Multiply(m, n, k, alpha, pa, lda, ta, packed, outBeta, py, n, ep, pool);
                }
                else
                {
                    Sgemm.Multiply(m, n, k, alpha, pa, lda, ta, pb, tb ? k : n, tb, outBeta, py, n, ep, pool);
                }
            }
        }
    }
}
