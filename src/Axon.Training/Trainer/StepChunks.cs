using System.Numerics.Tensors;
using Axon.Kernels.Threading;
using Axon.Training.Optim;

namespace Axon.Training.Trainer;

/// <summary>
/// The serial part of a data-parallel step, spread over the replica threads: before the replicas run, the compute copy
/// of the weights (BF16-rounded in mixed precision) and of the pixels; after them, the fixed-order mean of the replicas'
/// gradients and the optimizer update. Each is elementwise, so fixed element ranges handed to whichever thread is free
/// give the same bits as the one-thread loop. Ranges are multiples of every vector width, so the vector and scalar parts
/// of each kernel split exactly where they do over the whole array.
/// </summary>
/// <remarks>
/// At one replica per core the step's serial part is the share of the step that does not scale; with two cores it was
/// 1-2 ms of a 20-25 ms step. Used only where every part is elementwise and local: one process (an MPI all-reduce works on
/// the whole flat buffer), no clipping (a global norm), no stochastic rounding (one generator, read in order).
/// </remarks>
internal sealed class StepChunks
{
    /// <summary>Floats per range: 64 KiB, small enough to balance two threads over the CNN's 207k parameters.</summary>
    public const int ChunkFloats = 16384;

    public StepChunks(IReadOnlyList<float[]> weights)
    {
        var chunks = new List<(int, int, int)>();
        for (int p = 0; p < weights.Count; p++)
        {
            for (int off = 0; off < weights[p].Length; off += ChunkFloats)
            {
                chunks.Add((p, off, Math.Min(ChunkFloats, weights[p].Length - off)));
            }
        }
        Ranges = chunks.ToArray();
    }

    /// <summary>(parameter, offset, length) of every range, parameters in order.</summary>
    public (int Param, int Offset, int Length)[] Ranges { get; }

    /// <summary>Ranges of <paramref name="length"/> pixels.</summary>
    public static int PixelRanges(int length) => (length + ChunkFloats - 1) / ChunkFloats;
}

/// <summary>Compute copy of range i of the weights (then of the pixels): BF16 round-to-nearest or a plain copy.</summary>
internal readonly struct PrepareBody(float[][] weights, Tensor[] compute, (int Param, int Offset, int Length)[] ranges, bool bf16,
    float[] pixels, float[] roundedPixels) : IParallelBody
{
    public void Invoke(int i)
    {
        if (i < ranges.Length)
        {
            var (p, off, len) = ranges[i];
            var src = weights[p].AsSpan(off, len);
            var dst = compute[p].Span<float>().Slice(off, len);
            if (bf16)
            {
                Bf16Rounding.RoundNearest(src, dst);
            }
            else
            {
                src.CopyTo(dst);
            }
            return;
        }
        int start = (i - ranges.Length) * StepChunks.ChunkFloats;
        int n = Math.Min(StepChunks.ChunkFloats, pixels.Length - start);
        Bf16Rounding.RoundNearest(pixels.AsSpan(start, n), roundedPixels.AsSpan(start, n));
    }
}

/// <summary>Range i: the mean of the replicas' gradients (summed in replica order, then scaled) and the optimizer update.</summary>
internal readonly struct ReduceUpdateBody(float[][][] replicaGrads, float[][] grads, float[][] weights, (int Param, int Offset, int Length)[] ranges,
    float scale, Optimizer optimizer, float lr) : IParallelBody
{
    public void Invoke(int i)
    {
        var (p, off, len) = ranges[i];
        var g = grads[p].AsSpan(off, len);
        replicaGrads[0][p].AsSpan(off, len).CopyTo(g);
        for (int r = 1; r < replicaGrads.Length; r++)
        {
            TensorPrimitives.Add(g, replicaGrads[r][p].AsSpan(off, len), g);
        }
        TensorPrimitives.Multiply(g, scale, g);
        optimizer.UpdateRange(p, off, weights[p].AsSpan(off, len), g, lr);
    }
}
