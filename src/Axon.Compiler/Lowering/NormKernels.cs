using Axon.Kernels.Norm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Softmax/LogSoftmax over the last axis (opset 13+ semantics, or any opset when the axis is the last one).</summary>
[KernelFor("Softmax")]
[KernelFor("LogSoftmax")]
internal sealed class SoftmaxKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        if (!r.AllFloat32 || x is null || x.Length == 0)
        {
            return null;
        }
        long axis = r.Node.GetInt("axis", r.Opset >= 13 ? -1 : 1);
        if (axis < 0)
        {
            axis += x.Length;
        }
        if (axis != x.Length - 1)
        {
            return null;
        }
        int cols = x[^1];
        int rows = cols == 0 ? 0 : x.Aggregate(1, (p, v) => p * v) / cols;
        return new Kernel(rows, cols, r.Node.OpType == "LogSoftmax");
    }

    private sealed unsafe class Kernel(int rows, int cols, bool log) : INodeKernel
    {
        /// <summary>Below this many elements one thread does all rows (as for LayerNorm: ~1-2 ns per element).</summary>
        private const long ParallelElements = 16_384;

        public string Name => log ? "logsoftmax.rows" : "softmax.rows";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            int chunks = pool.Threads == 1 || (long)rows * cols < ParallelElements ? 1 : Math.Min(rows, pool.Threads);
            if (chunks == 1)
            {
                Softmax.Rows(inputs[0]!.Span<float>(), outputs[0].Span<float>(), rows, cols, log);
                return;
            }
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>())
            {
                // Equal row ranges, one per thread; rows are independent, so results do not depend on the thread count.
                pool.For(chunks, new RowsBody { X = px, Y = py, Rows = rows, Cols = cols, Chunks = chunks, Log = log });
            }
        }

        private struct RowsBody : IParallelBody
        {
            public float* X, Y;
            public int Rows, Cols, Chunks;
            public bool Log;

            public readonly void Invoke(int c)
            {
                int r0 = (int)((long)Rows * c / Chunks), r1 = (int)((long)Rows * (c + 1) / Chunks);
                long off = (long)r0 * Cols, len = (long)(r1 - r0) * Cols;
                Softmax.Rows(new ReadOnlySpan<float>(X + off, (int)len), new Span<float>(Y + off, (int)len), r1 - r0, Cols, Log);
            }
        }
    }
}

/// <summary>LayerNormalization over trailing axes with per-element scale and optional bias of the normalized shape.</summary>
[KernelFor("LayerNormalization")]
internal sealed class LayerNormKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        if (!r.AllFloat32 || x is null || x.Length == 0 || r.Node.Outputs.Skip(1).Any(o => o.Length > 0))
        {
            return null;
        }
        long axis = r.Node.GetInt("axis", -1);
        if (axis < 0)
        {
            axis += x.Length;
        }
        int cols = x[(int)axis..].Aggregate(1, (p, v) => p * v);
        int rows = cols == 0 ? 0 : x.Aggregate(1, (p, v) => p * v) / cols;
        var scale = r.InputShape(1);
        var bias = r.HasInput(2) ? r.InputShape(2) : null;
        if (scale is null || scale.Aggregate(1, (p, v) => p * v) != cols || (r.HasInput(2) && (bias is null || bias.Aggregate(1, (p, v) => p * v) != cols)))
        {
            return null;
        }
        return new Kernel(rows, cols, r.Node.GetFloat("epsilon", 1e-5f));
    }

    private sealed unsafe class Kernel(int rows, int cols, float eps) : INodeKernel
    {
        /// <summary>Below this many elements a pool hand-off costs more than the rows (a row is ~1 ns per element).</summary>
        private const long ParallelElements = 16_384;

        public string Name => "layernorm.rows";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var bias = inputs.Length > 2 && inputs[2] is { } b ? b.Span<float>() : default;
            int chunks = pool.Threads == 1 || (long)rows * cols < ParallelElements ? 1 : Math.Min(rows, pool.Threads);
            if (chunks == 1)
            {
                LayerNorm.Rows(inputs[0]!.Span<float>(), outputs[0].Span<float>(), rows, cols, inputs[1]!.Span<float>(), bias, eps);
                return;
            }
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pg = inputs[1]!.Span<float>(), pb = bias)
            {
                // Equal row ranges, one per thread: every row costs the same, so a static split keeps both cores even.
                pool.For(chunks, new RowsBody { X = px, Y = py, Gamma = pg, Beta = pb, Rows = rows, Cols = cols, Chunks = chunks, Eps = eps, HasBeta = !bias.IsEmpty });
            }
        }

        private struct RowsBody : IParallelBody
        {
            public float* X, Y, Gamma, Beta;
            public int Rows, Cols, Chunks;
            public float Eps;
            public bool HasBeta;

            public readonly void Invoke(int c)
            {
                int r0 = (int)((long)Rows * c / Chunks), r1 = (int)((long)Rows * (c + 1) / Chunks);
                long off = (long)r0 * Cols, len = (long)(r1 - r0) * Cols;
                LayerNorm.Rows(new ReadOnlySpan<float>(X + off, (int)len), new Span<float>(Y + off, (int)len), r1 - r0, Cols,
                    new ReadOnlySpan<float>(Gamma, Cols), HasBeta ? new ReadOnlySpan<float>(Beta, Cols) : default, Eps);
            }
        }
    }
}

/// <summary>Transpose of any rank and element size: a strided copy whose innermost run is contiguous when the permutation keeps the last axis.</summary>
[KernelFor("Transpose")]
internal sealed class TransposeKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        var t = r.InputTypes[0];
        if (x is null || t is null || t.ElemType == DType.String)
        {
            return null;
        }
        var perm = r.Node.GetInts("perm")?.Select(v => (int)v).ToArray() ?? Enumerable.Range(0, x.Length).Reverse().ToArray();
        if (perm.Length != x.Length)
        {
            return null;
        }
        return new Kernel(x, perm, t.ElemType.SizeOf());
    }

    private sealed class Kernel(int[] shape, int[] perm, int elemSize) : INodeKernel
    {
        public string Name => "transpose.copy";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var src = inputs[0]!.Bytes;
            var dst = outputs[0].Bytes;
            int rank = shape.Length;
            var inStrides = Tensor.StridesOf(shape);
            var outShape = perm.Select(p => shape[p]).ToArray();
            int total = outShape.Aggregate(1, (p, v) => p * v);
            if (total == 0)
            {
                return;
            }
            // Walk the output in order; the innermost output axis reads with stride inStrides[perm[^1]].
            int inner = rank == 0 ? 1 : outShape[^1];
            int innerStride = rank == 0 ? 0 : inStrides[perm[^1]];
            Span<int> idx = stackalloc int[Math.Max(rank, 1)];
            idx.Clear();
            int outer = total / inner;
            int srcBase = 0;
            for (int o = 0; o < outer; o++)
            {
                var d = dst.Slice(o * inner * elemSize, inner * elemSize);
                if (innerStride == 1)
                {
                    src.Slice(srcBase * elemSize, inner * elemSize).CopyTo(d);
                }
                else
                {
                    for (int i = 0; i < inner; i++)
                    {
                        src.Slice((srcBase + i * innerStride) * elemSize, elemSize).CopyTo(d.Slice(i * elemSize, elemSize));
                    }
                }
                for (int ax = rank - 2; ax >= 0; ax--)
                {
                    srcBase += inStrides[perm[ax]];
                    if (++idx[ax] < outShape[ax])
                    {
                        break;
                    }
                    srcBase -= inStrides[perm[ax]] * outShape[ax];
                    idx[ax] = 0;
                }
            }
        }
    }
}
