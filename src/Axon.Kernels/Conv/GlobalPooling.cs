using System.Numerics.Tensors;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>GlobalAveragePool and GlobalMaxPool over NCHW (any spatial rank): one vectorized reduction per plane.</summary>
public static unsafe class GlobalPooling
{
    /// <summary>y[plane] = mean of x's <paramref name="planeSize"/> elements of that plane, for <paramref name="planes"/> = N·C planes.</summary>
    public static void Average(float* x, float* y, int planes, int planeSize, WorkerPool? pool = null) =>
        Run(x, y, planes, planeSize, false, pool);

    /// <summary>y[plane] = max of the plane's elements (NaN if any is NaN).</summary>
    public static void Max(float* x, float* y, int planes, int planeSize, WorkerPool? pool = null) =>
        Run(x, y, planes, planeSize, true, pool);

    private static void Run(float* x, float* y, int planes, int planeSize, bool max, WorkerPool? pool)
    {
        if (planeSize < 1)
        {
            throw new ArgumentException("global pooling needs a non-empty plane");
        }
        // Small planes (the usual 7×7 head) are not worth waking the pool for: one chunk per ~64K elements.
        int chunks = (int)Math.Clamp((long)planes * planeSize / 65536, 1, planes);
        var body = new Body { X = x, Y = y, Planes = planes, PlaneSize = planeSize, Max = max, Chunks = chunks };
        if (chunks == 1)
        {
            body.Invoke(0);
        }
        else
        {
            (pool ?? WorkerPool.Default).For(chunks, body);
        }
    }

    private struct Body : IParallelBody
    {
        public float* X, Y;
        public int Planes, PlaneSize, Chunks;
        public bool Max;

        public readonly void Invoke(int chunk)
        {
            int p0 = (int)((long)Planes * chunk / Chunks);
            int p1 = (int)((long)Planes * (chunk + 1) / Chunks);
            for (int p = p0; p < p1; p++)
            {
                var s = new ReadOnlySpan<float>(X + (long)p * PlaneSize, PlaneSize);
                Y[p] = Max ? TensorPrimitives.Max(s) : TensorPrimitives.Sum(s) / PlaneSize;
            }
        }
    }
}
