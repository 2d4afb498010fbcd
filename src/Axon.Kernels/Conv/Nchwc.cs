using System.Runtime.Intrinsics;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// The blocked activation layout NCHW16c: [N, ceil(C/16), H, W, 16], channel c at block c/16, lane c%16. Lanes past
/// C in the last block are padding: the reorder writes zeros there and the blocked kernels keep them finite (their
/// padded weights are zero), so they never reach a real channel. Sixteen lanes are two <see cref="Vector256{T}"/>
/// (the convolution micro-kernel's output width) and one 64-byte cache line per pixel and block.
/// </summary>
public static unsafe class Nchwc
{
    /// <summary>Channels per block.</summary>
    public const int Block = 16;

    /// <summary>Blocks holding <paramref name="channels"/> channels.</summary>
    public static int Blocks(int channels) => (channels + Block - 1) / Block;

    /// <summary>Elements of a blocked [n, c, h, w] tensor (padding lanes included).</summary>
    public static long Elements(int n, int c, int h, int w) => (long)n * Blocks(c) * h * w * Block;

    /// <summary>x [n, c, plane] (NCHW, any spatial rank flattened) to y [n, ceil(c/16), plane, 16], padding lanes zero.</summary>
    public static void ToBlocked(float* x, float* y, int n, int c, int plane, WorkerPool? pool = null) =>
        (pool ?? WorkerPool.Default).For(n * Blocks(c), new ReorderBody { X = x, Y = y, C = c, Plane = plane, ToBlocked = true });

    /// <summary>x [n, ceil(c/16), plane, 16] to y [n, c, plane] (NCHW), dropping the padding lanes.</summary>
    public static void FromBlocked(float* x, float* y, int n, int c, int plane, WorkerPool? pool = null) =>
        (pool ?? WorkerPool.Default).For(n * Blocks(c), new ReorderBody { X = x, Y = y, C = c, Plane = plane, ToBlocked = false });

    /// <summary>Span overload of <see cref="ToBlocked(float*, float*, int, int, int, WorkerPool?)"/> with length checks.</summary>
    public static void ToBlocked(ReadOnlySpan<float> x, Span<float> y, int n, int c, int plane, WorkerPool? pool = null)
    {
        Check(x.Length, y.Length, n, c, plane, true);
        fixed (float* px = x, py = y)
        {
            ToBlocked(px, py, n, c, plane, pool);
        }
    }

    /// <summary>Span overload of <see cref="FromBlocked(float*, float*, int, int, int, WorkerPool?)"/> with length checks.</summary>
    public static void FromBlocked(ReadOnlySpan<float> x, Span<float> y, int n, int c, int plane, WorkerPool? pool = null)
    {
        Check(x.Length, y.Length, n, c, plane, false);
        fixed (float* px = x, py = y)
        {
            FromBlocked(px, py, n, c, plane, pool);
        }
    }

    private static void Check(int xLen, int yLen, int n, int c, int plane, bool toBlocked)
    {
        long plain = (long)n * c * plane, blocked = Elements(n, c, 1, plane);
        if (xLen < (toBlocked ? plain : blocked) || yLen < (toBlocked ? blocked : plain))
        {
            throw new ArgumentException($"reorder of [{n}, {c}, {plane}] needs {plain} plain and {blocked} blocked elements");
        }
    }

    private struct ReorderBody : IParallelBody
    {
        public float* X, Y;
        public int C, Plane;
        public bool ToBlocked;

        public readonly void Invoke(int index)
        {
            int blocks = Blocks(C);
            int n = index / blocks, cb = index % blocks;
            int lanes = Math.Min(Block, C - cb * Block);
            float* plain = (ToBlocked ? X : Y) + ((long)n * C + (long)cb * Block) * Plane;
            float* blocked = (ToBlocked ? Y : X) + (long)index * Plane * Block;
            // Plane-major in the inner loop keeps the plain side's reads/writes sequential per channel.
            for (int p0 = 0; p0 < Plane; p0 += 64)
            {
                int p1 = Math.Min(Plane, p0 + 64);
                for (int l = 0; l < lanes; l++)
                {
                    float* row = plain + (long)l * Plane;
                    if (ToBlocked)
                    {
                        for (int p = p0; p < p1; p++)
                        {
                            blocked[(long)p * Block + l] = row[p];
                        }
                    }
                    else
                    {
                        for (int p = p0; p < p1; p++)
                        {
                            row[p] = blocked[(long)p * Block + l];
                        }
                    }
                }
                if (ToBlocked)
                {
                    for (int l = lanes; l < Block; l++)
                    {
                        for (int p = p0; p < p1; p++)
                        {
                            blocked[(long)p * Block + l] = 0;
                        }
                    }
                }
            }
        }
    }
}
