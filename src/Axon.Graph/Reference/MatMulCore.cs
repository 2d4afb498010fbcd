using System.Numerics;
using System.Runtime.InteropServices;

namespace Axon.Graph.Reference;

/// <summary>
/// NumPy matmul semantics shared by MatMul, MatMulInteger and QLinearMatMul: 1-D operands are promoted (and the added dim
/// removed again), leading batch dims broadcast. Loops are plain O(M·N·K) with no per-element allocation.
/// </summary>
public sealed class MatMulCore
{
    private MatMulCore(int[] outShape, int m, int k, int n, int[] aBatch, int[] bBatch)
    {
        OutShape = outShape;
        M = m;
        K = k;
        N = n;
        ABatch = aBatch;
        BBatch = bBatch;
    }

    public int[] OutShape { get; }
    public int M { get; }
    public int K { get; }
    public int N { get; }

    /// <summary>For each output batch, the batch index into A and into B.</summary>
    public int[] ABatch { get; }
    public int[] BBatch { get; }

    public static MatMulCore Plan(OpContext ctx, int[] aShape, int[] bShape)
    {
        if (aShape.Length == 0 || bShape.Length == 0)
        {
            throw ctx.Error("MatMul operands must have rank >= 1");
        }
        var a = aShape.Length == 1 ? new[] { 1, aShape[0] } : aShape;
        var b = bShape.Length == 1 ? new[] { bShape[0], 1 } : bShape;
        int m = a[^2], k = a[^1], k2 = b[^2], n = b[^1];
        if (k != k2)
        {
            throw ctx.Error($"inner dims differ: [{string.Join(",", aShape)}] x [{string.Join(",", bShape)}]");
        }
        var ab = a[..^2];
        var bb = b[..^2];
        int[] batch;
        try
        {
            batch = Broadcast.Shape(ab, bb);
        }
        catch (AxonModelException e)
        {
            throw ctx.Error(e.Message);
        }
        var am = Broadcast.IndexMap(ab, batch);
        var bm = Broadcast.IndexMap(bb, batch);
        var outShape = new List<int>(batch);
        if (aShape.Length > 1)
        {
            outShape.Add(m);
        }
        if (bShape.Length > 1)
        {
            outShape.Add(n);
        }
        return new MatMulCore(outShape.ToArray(), m, k, n, am, bm);
    }

    public double[] Multiply(double[] a, double[] b)
    {
        int mk = M * K, kn = K * N, mn = M * N;
        var c = new double[ABatch.Length * mn];
        for (int t = 0; t < ABatch.Length; t++)
        {
            int ao = ABatch[t] * mk, bo = BBatch[t] * kn, co = t * mn;
            for (int i = 0; i < M; i++)
            {
                for (int p = 0; p < K; p++)
                {
                    double av = a[ao + i * K + p];
                    if (av == 0 && !HasNonFinite)
                    {
                        continue;
                    }
                    Axpy(av, b.AsSpan(bo + p * N, N), c.AsSpan(co + i * N, N));
                }
            }
        }
        return c;
    }

    /// <summary>y += a·x, vectorized; each element gets the same single multiply and add as a scalar loop would.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int v = 0; v < vy.Length; v++)
            {
                vy[v] += va * vx[v];
            }
            j = vy.Length * Vector<double>.Count;
        }
        for (; j < y.Length; j++)
        {
            y[j] += a * x[j];
        }
    }

    /// <summary>Set when B may hold Inf/NaN, so that zeros in A must still multiply (0·Inf = NaN).</summary>
    public bool HasNonFinite { get; set; } = true;

    public long[] Multiply(long[] a, long[] b)
    {
        int mk = M * K, kn = K * N, mn = M * N;
        var c = new long[ABatch.Length * mn];
        for (int t = 0; t < ABatch.Length; t++)
        {
            int ao = ABatch[t] * mk, bo = BBatch[t] * kn, co = t * mn;
            for (int i = 0; i < M; i++)
            {
                for (int p = 0; p < K; p++)
                {
                    long av = a[ao + i * K + p];
                    int br = bo + p * N, cr = co + i * N;
                    for (int j = 0; j < N; j++)
                    {
                        c[cr + j] = unchecked(c[cr + j] + av * b[br + j]);
                    }
                }
            }
        }
        return c;
    }

    /// <summary>True when every value is finite (lets the double loop skip zero rows of A).</summary>
    public static bool AllFinite(double[] v)
    {
        foreach (double d in v)
        {
            if (!double.IsFinite(d))
            {
                return false;
            }
        }
        return true;
    }
}
