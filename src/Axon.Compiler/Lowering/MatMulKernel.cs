using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// MatMul (and Gemm without transposed A) on the packed SGEMM. A constant right operand - the weights - is packed once
/// here, at kernel creation; batched operands loop over the broadcast batch dims.
/// </summary>
[KernelFor("MatMul")]
internal sealed class MatMulKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var a = r.InputShape(0);
        var b = r.InputShape(1);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || a is null || b is null || y is null || a.Length < 2 || b.Length < 1 || b.Length > 2 && b.Length != a.Length)
        {
            return null;
        }
        if (b.Length == 1 || a.Length < 2)
        {
            return null;
        }
        int m = a[^2], k = a[^1], n = b[^1];
        if (b[^2] != k)
        {
            return null;
        }
        if (b.Length == 2)
        {
            // [.., M, K] x [K, N]: fold the batch dims of A into M.
            int rows = a.Length == 2 ? m : a[..^1].Aggregate(1, (p, v) => p * v);
            var packed = r.Constants[1] is { } w ? PackedMatrix.PackB(w.Span<float>(), k, n) : null;
            return new Flat(rows, n, k, packed, default);
        }
        // Batched [..., M, K] x [..., K, N] with equal batch dims.
        if (!a[..^2].AsSpan().SequenceEqual(b[..^2]))
        {
            return null;
        }
        int batch = a[..^2].Aggregate(1, (p, v) => p * v);
        return new Batched(batch, m, n, k);
    }

    internal sealed unsafe class Flat(int m, int n, int k, PackedMatrix? packed, GemmEpilogue epilogue) : INodeKernel
    {
        public string Name => packed is null ? $"sgemm.{Sgemm.Tier}".ToLowerInvariant() : $"sgemm.{Sgemm.Tier}.prepacked".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pa = inputs[0]!.Span<float>(), pb = inputs[1]!.Span<float>(), py = outputs[0].Span<float>())
            {
                if (packed is not null)
                {
                    Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed, 0f, py, n, epilogue, pool);
                }
                else
                {
                    Sgemm.Multiply(m, n, k, 1f, pa, k, false, pb, n, false, 0f, py, n, epilogue, pool);
                }
            }
        }
    }

    private sealed unsafe class Batched(int batch, int m, int n, int k) : INodeKernel
    {
        public string Name => $"sgemm.{Sgemm.Tier}.batched".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pa = inputs[0]!.Span<float>(), pb = inputs[1]!.Span<float>(), py = outputs[0].Span<float>())
            {
                pool.For(batch, new Body { A = pa, B = pb, Y = py, M = m, N = n, K = k });
            }
        }

        private struct Body : IParallelBody
        {
            public float* A, B, Y;
            public int M, N, K;

            public readonly void Invoke(int i) =>
                Sgemm.Multiply(M, N, K, 1f, A + (long)i * M * K, K, false, B + (long)i * K * N, N, false, 0f, Y + (long)i * M * N, N, default, WorkerPool.Inline);
        }
    }
}
